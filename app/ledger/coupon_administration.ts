import db from '@adonisjs/lucid/services/db'
import type { TransactionClientContract } from '@adonisjs/lucid/types/database'
import AuditTrail from '#audit/audit_trail'
import LedgerEngine from '#ledger/ledger_engine'
import type { StaffAction } from '#audit/staff_action'
import type { AuditAction } from '#audit/audit_vocabulary'

export type RevokedLot = {
  lotId: number
  residentId: number
  revokedMinutes: number
  heldMinutes: number
}

export type ExpiryChange = {
  lotId: number
  residentId: number
  from: string
  to: string
  reopened: boolean
  restoredMinutes: number
}

/**
 * Staff actions on a lot that already exists: revoke it (取消) or set its
 * last valid day, each with a reason, each committed together with its
 * audit event. A lot of another municipality is as absent as an unknown
 * one: the answer is null, nothing is written.
 */
export default class CouponAdministration {
  static async revoke(
    municipalityId: number,
    lotId: number,
    reason: string,
    by: StaffAction
  ): Promise<RevokedLot | null> {
    return db.transaction(async (trx) => {
      const lot = await LedgerEngine.lockLot(trx, lotId, municipalityId)
      if (!lot) return null
      const result = await LedgerEngine.revoke(municipalityId, lotId, reason, by.actorUserId, trx)
      await this.#audit(trx, 'coupon.revoked', lot, by, {
        minutes: result.revokedMinutes,
        held_minutes: result.heldMinutes,
      })
      return { lotId, residentId: Number(lot.resident_id), ...result }
    })
  }

  /**
   * A new last valid day. Reminders already sent for the old date are
   * forgotten, so the resident is reminded again before the new one.
   */
  static async changeExpiry(
    municipalityId: number,
    lotId: number,
    validTo: string,
    reason: string,
    by: StaffAction,
    options: { today?: string } = {}
  ): Promise<ExpiryChange | null> {
    return db.transaction(async (trx) => {
      const lot = await LedgerEngine.lockLot(trx, lotId, municipalityId)
      if (!lot) return null
      const result = await LedgerEngine.changeExpiry(
        municipalityId,
        lotId,
        validTo,
        reason,
        by.actorUserId,
        options,
        trx
      )
      await trx
        .from('ledger_expiry_reminders')
        .where({ lot_id: lotId, municipality_id: municipalityId })
        .delete()
      await this.#audit(trx, 'coupon.expiry_changed', lot, by, {
        from: result.from,
        to: result.to,
        reopened: result.reopened,
        restored_minutes: result.restoredMinutes,
      })
      return { lotId, residentId: Number(lot.resident_id), ...result }
    })
  }

  static async #audit(
    trx: TransactionClientContract,
    action: AuditAction,
    lot: Record<string, any>,
    by: StaffAction,
    details: Record<string, unknown>
  ) {
    // The reason is free text: it stays in the ledger entry, not the trail.
    await AuditTrail.record(
      {
        municipalityId: Number(lot.municipality_id),
        action,
        actorUserId: by.actorUserId,
        actorRole: by.actorRole,
        subjectResidentId: Number(lot.resident_id),
        source: by.source,
        destination: by.destination ?? null,
        details: {
          lot_id: Number(lot.id),
          plugin_id: lot.plugin_id,
          program_code: lot.program_code,
          definition_version: lot.definition_version,
          ...details,
        },
      },
      trx
    )
  }
}
