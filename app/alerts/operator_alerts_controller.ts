import type { HttpContext } from '@adonisjs/core/http'
import type { I18n } from '@adonisjs/i18n'
import PlatformPolicy from '#operator/platform_policy'
import Municipality from '#tenancy/municipality'
import Alerts from '#alerts/alerts'
import AlertNotices from '#alerts/alert_notices'
import type Alert from '#alerts/alert'

function present(alert: Alert, i18n: I18n, names: Map<number, string>) {
  return {
    id: alert.id,
    condition: alert.condition,
    label: AlertNotices.describe(alert, i18n),
    scope: alert.municipalityId
      ? (names.get(alert.municipalityId) ?? '')
      : i18n.t('ui.alerts.platform'),
    firstSeenAt: alert.firstSeenAt.toISO(),
    lastSeenAt: alert.lastSeenAt.toISO(),
    resolvedAt: alert.resolvedAt?.toISO() ?? null,
    occurrences: alert.occurrences,
    details: alert.details ?? {},
  }
}

/**
 * The operator console's alerts: open ones first, then the latest resolved.
 */
export default class OperatorAlertsController {
  async index({ bouncer, inertia, i18n }: HttpContext) {
    await bouncer.with(PlatformPolicy).authorize('operate')
    const { open, past } = await Alerts.list()
    const ids = [...open, ...past].flatMap((alert) => alert.municipalityId ?? [])
    const municipalities = ids.length ? await Municipality.findMany([...new Set(ids)]) : []
    const names = new Map(municipalities.map((row) => [row.id, row.nameIn(i18n.locale)]))
    return inertia.render('operator/alerts', {
      open: open.map((alert) => present(alert, i18n, names)),
      past: past.map((alert) => present(alert, i18n, names)),
    })
  }
}
