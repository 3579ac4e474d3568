import db from '@adonisjs/lucid/services/db'
import emitter from '@adonisjs/core/services/emitter'
import type { TransactionClientContract } from '@adonisjs/lucid/types/database'
import AuditTrail from '#audit/audit_trail'
import LedgerEngine from '#ledger/ledger_engine'
import LedgerRefusal from '#ledger/ledger_refusal'
import ProgramCatalog, { type ProgramRef } from '#ledger/program_catalog'
import ProgramSpendPolicy from '#ledger/program_spend_policy'
import type { StaffAction } from '#audit/staff_action'
import type { RedemptionDecision } from '#ledger/ledger_events'
import { sha256Hex } from '#shared/sha256'
import type { AuditAction } from '#audit/audit_vocabulary'

export type RedeemInput = ProgramRef & {
  municipalityId: number
  residentId: number
  service: string
  visitDate: string
  visitStart: string
  minutes: number
  idempotencyKey: string
  providerId?: number | null
  facilityId?: number | null
}

/** A correction, as onCorrected hears of it inside its transaction */
export type Correction = {
  municipalityId: number
  residentId: number
  /** The reservation released, and the one that replaced it */
  replacedId: number
  redemptionId: number
  fromMinutes: number
  toMinutes: number
  visit: ProgramRef & { service: string; visitDate: string }
}

/**
 * Redemptions under a program's rules: the reservation checks the visit
 * (length, hours), the day (visits, minutes per service), sub-caps and
 * service age limits, then spends lots in the program's deduction order.
 * Approval posts, rejection releases, staff cancellation returns the
 * minutes. Each step commits with its audit event.
 */
export default class CouponRedemption {
  static async reserve(input: RedeemInput, by: StaffAction, trx?: TransactionClientContract) {
    const { program } = await ProgramCatalog.find(input)
    const policy = new ProgramSpendPolicy(program)
    policy.checkVisit(input)
    await ProgramCatalog.assertEnabled(input.municipalityId, input, trx)
    return LedgerEngine.reserve(
      {
        ...input,
        deductionPriority: program.deductionPriority,
        policy,
        actorUserId: by.actorUserId,
        onReserved: (client, redemptionId) =>
          this.#audit('redemption.reserved', input, redemptionId, by, client, {
            plugin_id: input.pluginId,
            program_code: input.programCode,
            service: input.service,
            minutes: input.minutes,
          }),
      },
      trx
    )
  }

  static async approve(municipalityId: number, redemptionId: number, by: StaffAction) {
    return this.#resolve(
      'redemption.approved',
      municipalityId,
      redemptionId,
      by,
      { decision: 'approved' },
      (trx) => LedgerEngine.post(redemptionId, by.actorUserId, trx, municipalityId)
    )
  }

  static async reject(
    municipalityId: number,
    redemptionId: number,
    reason: string,
    by: StaffAction
  ) {
    return this.#resolve(
      'redemption.rejected',
      municipalityId,
      redemptionId,
      by,
      { decision: 'rejected', reason },
      (trx) => LedgerEngine.release(redemptionId, by.actorUserId, reason, trx, municipalityId)
    )
  }

  static async cancel(
    municipalityId: number,
    redemptionId: number,
    reason: string,
    by: StaffAction
  ) {
    return this.#resolve(
      'redemption.cancelled',
      municipalityId,
      redemptionId,
      by,
      { decision: 'cancelled', reason },
      (trx) => LedgerEngine.cancel(redemptionId, by.actorUserId, reason, trx, municipalityId)
    )
  }

  /**
   * The provider corrects the actual hours of a visit before approving it:
   * in one transaction the reservation is released (reason "corrected")
   * and the corrected minutes are reserved for the same visit through
   * reserve(), so every rule applies again (visit lengths, caps, daily
   * limits, hours left). The old row points to its replacement, and so
   * does the visit QR that made it. A refused reservation rolls all of it
   * back: the original stays reserved. Null when the municipality has no
   * such redemption; `unchanged` when the minutes are the same.
   * `onCorrected` runs in the transaction once the new reservation stands
   * (the visits module records the correction and tells the resident).
   */
  static async correct(
    municipalityId: number,
    redemptionId: number,
    minutes: number,
    by: StaffAction,
    onCorrected?: (trx: TransactionClientContract, correction: Correction) => Promise<void>
  ): Promise<null | { unchanged: true } | { unchanged: false; redemptionId: number }> {
    return db.transaction(async (trx) => {
      const old = await trx
        .from('ledger_redemptions')
        .where({ id: redemptionId, municipality_id: municipalityId })
        .first()
      if (!old) return null
      if (old.status !== 'reserved') throw new LedgerRefusal('not_reserved')
      if (Number(old.minutes) === minutes) return { unchanged: true as const }

      // The guarded release is what makes a correction lose cleanly to an
      // approval (or another correction) that came first.
      await LedgerEngine.release(redemptionId, by.actorUserId, 'corrected', trx)
      const { redemptionId: newId } = await this.reserve(
        {
          pluginId: String(old.plugin_id),
          programCode: String(old.program_code),
          municipalityId,
          residentId: Number(old.resident_id),
          service: String(old.service),
          visitDate: String(old.visit_date),
          visitStart: old.visit_start === null ? '' : String(old.visit_start),
          minutes,
          providerId: old.provider_id === null ? null : Number(old.provider_id),
          facilityId: old.facility_id === null ? null : Number(old.facility_id),
          idempotencyKey: correctionKey(String(old.idempotency_key)),
        },
        by,
        trx
      )
      await trx
        .from('ledger_redemptions')
        .where('id', redemptionId)
        .update({ replaced_by_redemption_id: newId })
      await trx
        .from('visit_tokens')
        .where({ municipality_id: municipalityId, redemption_id: redemptionId })
        .update({ redemption_id: newId })
      await this.#audit(
        'redemption.corrected',
        { municipalityId, residentId: Number(old.resident_id) },
        redemptionId,
        by,
        trx,
        {
          plugin_id: old.plugin_id,
          program_code: old.program_code,
          new_redemption_id: newId,
          from_minutes: Number(old.minutes),
          to_minutes: minutes,
        }
      )
      await onCorrected?.(trx, {
        municipalityId,
        residentId: Number(old.resident_id),
        replacedId: redemptionId,
        redemptionId: newId,
        fromMinutes: Number(old.minutes),
        toMinutes: minutes,
        visit: {
          pluginId: String(old.plugin_id),
          programCode: String(old.program_code),
          service: String(old.service),
          visitDate: String(old.visit_date),
        },
      })
      return { unchanged: false as const, redemptionId: newId }
    })
  }

  static async #resolve(
    action: AuditAction,
    municipalityId: number,
    redemptionId: number,
    by: StaffAction,
    notice: { decision: RedemptionDecision; reason?: string },
    work: (trx: TransactionClientContract) => Promise<Record<string, any> | null>
  ) {
    return db.transaction(async (trx) => {
      // The engine answers the row it changed; null: this municipality has
      // no such redemption (another municipality's is as absent as an unknown one).
      const redemption = await work(trx)
      if (!redemption) return false
      await this.#audit(
        action,
        { municipalityId, residentId: Number(redemption.resident_id) },
        redemptionId,
        by,
        trx,
        {
          plugin_id: redemption.plugin_id,
          program_code: redemption.program_code,
          minutes: Number(redemption.minutes),
        }
      )
      await this.#notify(redemption, notice, trx)
      return true
    })
  }

  /**
   * Tells whoever listens (the visits module mails the resident) what
   * became of the visit, inside the transaction: a listener defers its
   * work to the commit, so a rolled back decision sends nothing.
   */
  static async #notify(
    redemption: Record<string, any>,
    notice: { decision: RedemptionDecision; reason?: string },
    trx: TransactionClientContract
  ) {
    await emitter.emit('ledger:redemption_decided', {
      redemption: {
        id: Number(redemption.id),
        municipalityId: Number(redemption.municipality_id),
        residentId: Number(redemption.resident_id),
        pluginId: String(redemption.plugin_id),
        programCode: String(redemption.program_code),
        service: String(redemption.service),
        visitDate: String(redemption.visit_date),
        minutes: Number(redemption.minutes),
      },
      decision: notice.decision,
      reason: notice.reason ?? null,
      trx,
    })
  }

  static async #audit(
    action: AuditAction,
    subject: { municipalityId: number; residentId: number },
    redemptionId: number,
    by: StaffAction,
    client: TransactionClientContract,
    details: Record<string, unknown>
  ) {
    await AuditTrail.record(
      {
        municipalityId: subject.municipalityId,
        action,
        actorUserId: by.actorUserId,
        actorRole: by.actorRole,
        subjectResidentId: subject.residentId,
        source: by.source,
        destination: by.destination ?? null,
        details: { redemption_id: redemptionId, ...details },
      },
      client
    )
  }
}

/**
 * The idempotency key of a correction: derived from the corrected
 * reservation's key (a reservation is corrected at most once, since the
 * correction releases it), of fixed length however long the chain.
 */
function correctionKey(oldKey: string) {
  return `corrected:${sha256Hex(`${oldKey}:corrected`).slice(0, 48)}`
}
