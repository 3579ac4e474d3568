import i18nManager from '@adonisjs/i18n/services/main'
import type { TransactionClientContract } from '@adonisjs/lucid/types/database'
import type { RedemptionDecided } from '#ledger/ledger_events'
import ProgramCatalog, { type ProgramRef } from '#ledger/program_catalog'
import ResidentNotices, { type ResidentNoticeKind } from '#residents/resident_notices'
import { formatCalendarDate } from '#shared/calendar_date'
import { localizedText } from '#shared/localized_text'

const KIND: Record<RedemptionDecided['decision'], ResidentNoticeKind> = {
  approved: 'redemption_approved',
  rejected: 'redemption_rejected',
  cancelled: 'redemption_cancelled',
}

/** Hours as a mail writes them: 2, 1.5, 0.25 */
export function hoursText(minutes: number) {
  return String(Math.round((minutes / 60) * 100) / 100)
}

/**
 * What a mail about a visit says of it, in the resident's language: the
 * service and the day, and the address of the visit's page.
 */
export async function visitNoticeParts(
  trx: TransactionClientContract,
  redemption: ProgramRef & {
    id: number
    municipalityId: number
    service: string
    visitDate: string
  }
) {
  const { program } = await ProgramCatalog.find(redemption)
  const municipality = await trx
    .from('municipalities')
    .where('id', redemption.municipalityId)
    .select('slug')
    .firstOrFail()
  const service = ProgramCatalog.serviceName(program, redemption.service)
  return {
    values: (locale: string) => ({
      service: localizedText(service, locale),
      visitDate: formatCalendarDate(i18nManager.locale(locale), redemption.visitDate),
    }),
    path: `/m/${municipality.slug}/my/visits/${redemption.id}`,
  }
}

/**
 * Tells the resident what became of their visit, in their language, once
 * the decision commits (a rolled back decision sends nothing).
 */
export default class RedemptionNoticeListener {
  async handle({ redemption, decision, reason, trx }: RedemptionDecided) {
    const { values, path } = await visitNoticeParts(trx, redemption)
    await ResidentNotices.send(
      redemption.residentId,
      {
        kind: KIND[decision],
        values: (locale) => ({
          ...values(locale),
          hours: hoursText(redemption.minutes),
          reason: reason ?? '',
        }),
        path,
      },
      trx
    )
  }
}
