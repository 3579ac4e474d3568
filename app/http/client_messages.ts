import i18nManager from '@adonisjs/i18n/services/main'
import { DEFAULT_LOCALE, SUPPORTED_LOCALES } from '#config/i18n'
import { sha256Hex } from '#shared/sha256'

/** One language's messages as the client fetches them, and their version */
export type ClientCatalogue = { locale: string; version: string; json: string }

/**
 * The translations a Vue page may need: the core "ui" namespace, the staff
 * console's "staff*" namespaces, the resident app's "resident*" ones, the
 * provider console's "provider*" ones, the invitation page's "invitations"
 * and every plugin's namespace, with the default locale filling any gap.
 * Built once per locale; translations are loaded at boot and do not change.
 */
export default class ClientMessages {
  static #cache = new Map<string, Record<string, string>>()
  static #catalogues = new Map<string, ClientCatalogue>()

  /**
   * The messages of one language serialized once, with a version that
   * changes with their content: the client caches the catalogue's URL for
   * good, and a new deployment with other messages gets a new URL.
   */
  static catalogueFor(locale: string, pluginIds: string[]): ClientCatalogue {
    const cached = this.#catalogues.get(locale)
    if (cached) return cached
    const json = JSON.stringify(this.for(locale, pluginIds))
    const catalogue = { locale, version: sha256Hex(json).slice(0, 16), json }
    this.#catalogues.set(locale, catalogue)
    return catalogue
  }

  /** Where the front end fetches each language's catalogue (client_messages.show) */
  static catalogueUrls(pluginIds: string[]): Record<string, string> {
    return Object.fromEntries(
      SUPPORTED_LOCALES.map((locale) => [
        locale,
        `/i18n/${locale}/${this.catalogueFor(locale, pluginIds).version}`,
      ])
    )
  }

  static for(locale: string, pluginIds: string[]): Record<string, string> {
    const cached = this.#cache.get(locale)
    if (cached) return cached
    const prefixes = [
      'ui.',
      'staff',
      'resident',
      'provider',
      'invitations.',
      'oidc.',
      'demo_rp.',
      ...pluginIds.map((id) => `${id}.`),
    ]
    const pick = (all: Record<string, string>) =>
      Object.fromEntries(
        Object.entries(all).filter(([key]) => prefixes.some((prefix) => key.startsWith(prefix)))
      )
    const messages = {
      ...pick(i18nManager.getTranslationsFor(DEFAULT_LOCALE)),
      ...pick(i18nManager.getTranslationsFor(locale)),
    }
    this.#cache.set(locale, messages)
    return messages
  }
}
