import i18nManager from '@adonisjs/i18n/services/main'
import { DEFAULT_LOCALE } from '#config/i18n'

/**
 * The translations a Vue page may need: the core "ui" namespace, the staff
 * console's "staff*" namespaces, the resident app's "resident*" ones, the
 * provider console's "provider*" ones, the invitation page's "invitations"
 * and every plugin's namespace, with the default locale filling any gap.
 * Built once per locale; translations are loaded at boot and do not change.
 */
export default class ClientMessages {
  static #cache = new Map<string, Record<string, string>>()

  static for(locale: string, pluginIds: string[]): Record<string, string> {
    const cached = this.#cache.get(locale)
    if (cached) return cached
    const prefixes = [
      'ui.',
      'staff',
      'resident',
      'provider',
      'invitations.',
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
