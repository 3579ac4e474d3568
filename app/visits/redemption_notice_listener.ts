import i18nManager from '@adonisjs/i18n/services/main'
import type { RedemptionDecided } from '#ledger/ledger_events'
import ProgramCatalog from '#ledger/program_catalog'
import ResidentNotices, { type ResidentNoticeKind } from '#residents/resident_notices'
import { formatCalendarDate } from '#shared/calendar_date'
import { localizedText } from '#shared/localized_text'

const KIND: Record<RedemptionDecided['decision'], ResidentNoticeKind> = {
  approved: 'redemption_approved',
  rejected: 'redemption_rejected',
  cancelled: 'redemption_cancelled',
}

/**
 * Tells the resident what became of their visit, in their language, once
 * the decision commits (a rolled back decision sends nothing).
 */
export default class RedemptionNoticeListener {
  async handle({ redemption, decision, reason, trx }: RedemptionDecided) {
    const { program } = await ProgramCatalog.find({
      pluginId: redemption.pluginId,
      programCode: redemption.programCode,
    })
    const municipality = await trx
      .from('municipalities')
      .where('id', redemption.municipalityId)
      .select('slug')
      .firstOrFail()
    const service = ProgramCatalog.serviceName(program, redemption.service)
    const hours = Math.round((redemption.minutes / 60) * 100) / 100
    await ResidentNotices.send(
      redemption.residentId,
      {
        kind: KIND[decision],
        values: (locale) => ({
          service: localizedText(service, locale),
          visitDate: formatCalendarDate(i18nManager.locale(locale), redemption.visitDate),
          hours: String(hours),
          reason: reason ?? '',
        }),
        path: `/m/${municipality.slug}/my/visits/${redemption.id}`,
      },
      trx
    )
  }
}
