import db from '@adonisjs/lucid/services/db'
import mail from '@adonisjs/mail/services/main'
import i18nManager from '@adonisjs/i18n/services/main'
import type { I18n } from '@adonisjs/i18n'
import AccountMail from '#mail/account_mail'
import Municipality from '#tenancy/municipality'
import type Alert from '#alerts/alert'

type Recipient = { email: string; locale: string }

/**
 * Mails an alert's opening and its recovery to every active platform
 * operator and, for a municipality's alert, its active administrators,
 * each in their own language.
 */
export default class AlertNotices {
  static async opened(alert: Alert) {
    await this.#send(alert, 'alert_opened')
  }

  static async resolved(alert: Alert) {
    await this.#send(alert, 'alert_resolved')
  }

  /** What the alert is about, in one line of the reader's language */
  static describe(alert: Alert, i18n: I18n) {
    const [kind, subject = ''] = alert.condition.split(':')
    const key = `ui.alerts.conditions.${kind}`
    return i18n.hasMessage(key) ? i18n.t(key, { subject }) : alert.condition
  }

  static async recipients(municipalityId: number | null): Promise<Recipient[]> {
    const rows = await db
      .from('users')
      .join('memberships', 'memberships.user_id', 'users.id')
      .whereNull('users.disabled_at')
      .whereNull('memberships.disabled_at')
      .where((scope) => {
        scope.where('memberships.role', 'platform_operator')
        if (municipalityId !== null) {
          scope.orWhere((admins) =>
            admins
              .where('memberships.role', 'municipal_admin')
              .where('memberships.municipality_id', municipalityId)
          )
        }
      })
      .distinct('users.email', 'users.preferred_locale')
      .orderBy('users.email')
    return rows.map((row) => ({ email: row.email, locale: row.preferred_locale }))
  }

  static async #send(alert: Alert, kind: 'alert_opened' | 'alert_resolved') {
    const municipality = alert.municipalityId ? await Municipality.find(alert.municipalityId) : null
    for (const recipient of await this.recipients(alert.municipalityId)) {
      const i18n = i18nManager.locale(recipient.locale)
      const scope = municipality ? municipality.nameIn(i18n.locale) : i18n.t('ui.alerts.platform')
      await mail.sendLater(
        new AccountMail({
          to: recipient.email,
          locale: recipient.locale,
          kind,
          values: {
            condition: this.describe(alert, i18n),
            scope,
            since: alert.firstSeenAt.toUTC().toISO() ?? '',
            resolvedAt: alert.resolvedAt?.toUTC().toISO() ?? '',
            occurrences: String(alert.occurrences),
            details: Object.entries(alert.details ?? {})
              .map(([key, value]) => `${key}: ${value}`)
              .join('\n'),
          },
        })
      )
    }
  }
}
