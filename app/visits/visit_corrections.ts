import db from '@adonisjs/lucid/services/db'
import type { TransactionClientContract } from '@adonisjs/lucid/types/database'
import AuditTrail from '#audit/audit_trail'
import { staffEvent, type StaffAction } from '#audit/staff_action'
import type { Correction } from '#ledger/coupon_redemption'
import ResidentNotices from '#residents/resident_notices'
import { affectedRows } from '#shared/affected_rows'
import { hoursText, visitNoticeParts } from '#visits/redemption_notice_listener'

/** A correction as the resident's and the provider's pages show it */
export type VisitCorrection = {
  fromMinutes: number
  toMinutes: number
  /** More hours than the resident had agreed to: they confirm before approval */
  needsConfirmation: boolean
  /** Still waiting for that confirmation */
  awaitingResident: boolean
  correctedAt: string
  confirmedAt: string | null
}

/** What became of the resident's confirmation */
export type CorrectionConfirmation = 'confirmed' | 'not_needed' | 'changed'

type Row = Record<string, any>

function toCorrection(row: Row): VisitCorrection {
  const needsConfirmation = Boolean(row.needs_confirmation)
  return {
    fromMinutes: Number(row.from_minutes),
    toMinutes: Number(row.to_minutes),
    needsConfirmation,
    awaitingResident: needsConfirmation && !row.confirmed_at,
    correctedAt: new Date(row.created_at).toISOString(),
    confirmedAt: row.confirmed_at ? new Date(row.confirmed_at).toISOString() : null,
  }
}

/**
 * A provider's corrections of a visit's hours, as the resident is told of
 * them. The ledger makes the correction (the old reservation released,
 * the new one reserved under every rule, or nothing when a rule refuses);
 * this records it in the same transaction with the hours before and
 * after, and mails the resident once it commits. A correction to more
 * hours than the resident last agreed to waits for the resident's
 * confirmation: the provider cannot approve it until then (the extra
 * hours are reserved meanwhile, so the balance is never spent twice).
 */
export default class VisitCorrections {
  /** CouponRedemption.correct's onCorrected: inside the correction's transaction */
  static async record(trx: TransactionClientContract, correction: Correction, by: StaffAction) {
    const previous = await trx
      .from('visit_corrections')
      .where('redemption_id', correction.replacedId)
      .first()
    // A correction the resident has not confirmed yet is nothing they agreed to
    const agreed =
      previous && previous.needs_confirmation && !previous.confirmed_at
        ? Number(previous.agreed_minutes)
        : correction.fromMinutes
    const needsConfirmation = correction.toMinutes > agreed
    await trx.table('visit_corrections').insert({
      municipality_id: correction.municipalityId,
      resident_id: correction.residentId,
      redemption_id: correction.redemptionId,
      replaced_redemption_id: correction.replacedId,
      from_minutes: correction.fromMinutes,
      to_minutes: correction.toMinutes,
      agreed_minutes: agreed,
      needs_confirmation: needsConfirmation,
      corrected_by_user_id: by.actorUserId,
      created_at: new Date(),
    })
    const { values, path } = await visitNoticeParts(trx, {
      ...correction.visit,
      id: correction.redemptionId,
      municipalityId: correction.municipalityId,
    })
    await ResidentNotices.send(
      correction.residentId,
      {
        kind: needsConfirmation ? 'redemption_corrected_confirm' : 'redemption_corrected',
        values: (locale) => ({
          ...values(locale),
          from: hoursText(correction.fromMinutes),
          to: hoursText(correction.toMinutes),
          returned: hoursText(Math.max(0, correction.fromMinutes - correction.toMinutes)),
        }),
        path,
      },
      trx
    )
  }

  /** The corrections that made these reservations, by reservation id */
  static async of(municipalityId: number, redemptionIds: number[]) {
    if (redemptionIds.length === 0) return new Map<number, VisitCorrection>()
    const rows = await db
      .from('visit_corrections')
      .where('municipality_id', municipalityId)
      .whereIn('redemption_id', redemptionIds)
    return new Map(rows.map((row) => [Number(row.redemption_id), toCorrection(row)]))
  }

  /** The correction that made this reservation, if one did */
  static async find(municipalityId: number, redemptionId: number) {
    const found = await this.of(municipalityId, [redemptionId])
    return found.get(redemptionId) ?? null
  }

  /**
   * The resident confirms the corrected hours of their own visit, while it
   * still waits for approval as corrected. The visit's row is locked
   * first, so a confirmation and another correction or a decision of the
   * same visit happen one after the other: a visit corrected again or
   * decided meanwhile answers `changed`, and nothing is confirmed.
   */
  static async confirm(
    municipalityId: number,
    residentId: number,
    redemptionId: number,
    by: StaffAction
  ): Promise<CorrectionConfirmation> {
    return db.transaction(async (trx) => {
      const visit = trx
        .from('ledger_redemptions')
        .where({ id: redemptionId, municipality_id: municipalityId, resident_id: residentId })
      if (trx.dialect.name === 'postgres') visit.forUpdate()
      const row = await visit.first()
      if (!row || row.status !== 'reserved' || row.replaced_by_redemption_id !== null) {
        return 'changed'
      }
      const confirmed = await trx
        .from('visit_corrections')
        .where({ redemption_id: redemptionId, resident_id: residentId, needs_confirmation: true })
        .whereNull('confirmed_at')
        .update({ confirmed_at: new Date() })
      if (affectedRows(confirmed) !== 1) return 'not_needed'
      const correction = await trx
        .from('visit_corrections')
        .where('redemption_id', redemptionId)
        .firstOrFail()
      await AuditTrail.record(
        staffEvent(municipalityId, by, {
          action: 'visit.correction_confirmed',
          purpose: 'resident_self_service',
          subjectResidentId: residentId,
          details: {
            redemption_id: redemptionId,
            replaced_redemption_id: Number(correction.replaced_redemption_id),
            from_minutes: Number(correction.from_minutes),
            to_minutes: Number(correction.to_minutes),
          },
        }),
        trx
      )
      return 'confirmed'
    })
  }
}
