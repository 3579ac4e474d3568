import type { I18n } from '@adonisjs/i18n'

/**
 * The codes of an audit event in the words a municipal auditor reads:
 * 「住民情報の閲覧」 for resident.viewed, 「住民の詳細」 for the route
 * tenant.residents.show, 「CSVファイル（名前）」 for an export's file. The
 * messages are the server's "audit" namespace: the page and the CSV export
 * read the same words. Every action, purpose and named route has one (the
 * catalogue test); a code written by an older version falls back to words
 * that still name it.
 */
export default class AuditWording {
  constructor(private i18n: I18n) {}

  action(action: string) {
    return this.#known(`audit.actions.${action}`) ?? this.#t('unknown_action', { code: action })
  }

  purpose(purpose: string | null) {
    if (!purpose) return null
    return this.#known(`audit.purposes.${purpose}`) ?? this.#t('unknown_purpose', { code: purpose })
  }

  /** A route name, an export's file:<name>, a csv_job:<id>, or a path for an unnamed route */
  destination(destination: string | null) {
    if (!destination) return null
    const [kind, rest] = splitOnce(destination, ':')
    if (kind === 'file') return this.#t('destinations.file', { name: rest })
    if (kind === 'csv_job') return this.#t('destinations.csv_job', { id: rest })
    return (
      this.#known(`audit.screens.${destination}`) ??
      this.#known(pluginScreenKey(destination)) ??
      this.#t('destinations.path', { path: destination })
    )
  }

  channel(channel: string) {
    return this.#known(`audit.channels.${channel}`) ?? channel
  }

  outcome(outcome: string) {
    return this.#known(`ui.audit.outcomes.${outcome}`) ?? outcome
  }

  role(role: string | null) {
    if (!role) return null
    return this.#known(`ui.roles.${role}`) ?? role
  }

  #known(key: string) {
    return this.i18n.hasMessage(key) || this.i18n.hasFallbackMessage(key) ? this.i18n.t(key) : null
  }

  #t(key: string, values: Record<string, unknown>) {
    return this.i18n.t(`audit.${key}`, values)
  }
}

/** A plugin's route <plugin id>.<name> is named in the plugin's messages: <plugin id>.screens.<name> */
export function pluginScreenKey(routeName: string) {
  const [pluginId, name] = splitOnce(routeName, '.')
  return `${pluginId}.screens.${name}`
}

function splitOnce(value: string, separator: string): [string, string] {
  const at = value.indexOf(separator)
  return at < 0 ? [value, ''] : [value.slice(0, at), value.slice(at + 1)]
}
