import db from '@adonisjs/lucid/services/db'
import i18nManager from '@adonisjs/i18n/services/main'
import type { TransactionClientContract } from '@adonisjs/lucid/types/database'
import CouponIssuance, { type IssueInput, type IssuedLot } from '#ledger/coupon_issuance'
import type { StaffAction } from '#audit/staff_action'
import ProgramCatalog, { type ProgramRef } from '#ledger/program_catalog'
import { formatCalendarDate } from '#shared/calendar_date'
import { localizedText } from '#shared/localized_text'
import ResidentNotices from '#residents/resident_notices'

/**
 * Hours staff issue directly (the staff coupon screen) and the mail that
 * tells the resident: program, hours and last valid day, in their
 * language. The mail is queued only when the grant commits. Grants of an
 * approved application are told by the approval mail instead.
 */
export default class GrantNotices {
  /** Issues as CouponIssuance.issue does, and mails the resident about it */
  static async issue(input: IssueInput, by: StaffAction): Promise<IssuedLot[]> {
    return db.transaction(async (trx) => {
      const lots = await CouponIssuance.issue(input, by, trx)
      await this.send(input.residentId, input, lots, trx)
      return lots
    })
  }

  /** Queues the grant_issued mail for lots issued in `trx` */
  static async send(
    residentId: number,
    ref: ProgramRef,
    lots: IssuedLot[],
    trx: TransactionClientContract
  ) {
    if (lots.length === 0) return
    const { program } = await ProgramCatalog.find(ref)
    const minutes = lots.reduce((total, lot) => total + lot.minutes, 0)
    // Several windows at once (e.g. until the 3rd birthday): the last day of the last one.
    const validTo = lots.map((lot) => lot.validTo).sort()[lots.length - 1]
    await ResidentNotices.send(
      residentId,
      {
        kind: 'grant_issued',
        values: (locale) => {
          const i18n = i18nManager.locale(locale)
          return {
            program: localizedText(program.name, locale),
            hours: i18n.formatNumber(Math.round((minutes / 60) * 100) / 100),
            validTo: formatCalendarDate(i18n, validTo),
          }
        },
        path: '/',
      },
      trx
    )
  }
}
