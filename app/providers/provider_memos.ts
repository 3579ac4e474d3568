import db from '@adonisjs/lucid/services/db'
import AuditTrail from '#audit/audit_trail'
import type { StaffAction } from '#audit/staff_action'
import ProviderHistory from '#providers/provider_history'
import { staffEvent } from '#audit/staff_action'
import ProviderResidentLookup from '#visits/provider_resident_lookup'

/** Longest memo body, in characters */
export const MEMO_MAX_LENGTH = 1000

/** Why a memo was not written (provider_history.memos.errors.<code>), on a form field */
export class MemoRefusal extends Error {
  constructor(
    readonly field: 'resident_number' | 'redemption_id',
    readonly code: 'unknown_resident' | 'unknown_visit'
  ) {
    super(`memo refused: ${field} ${code}`)
  }
}

export type MemoTarget = { redemptionId: number } | { residentNumber: string }

export type ProviderMemo = {
  id: number
  body: string
  createdAt: Date
  authorName: string | null
  residentId: number | null
  residentNumber: string | null
  residentName: string | null
  redemptionId: number | null
  visitDate: string | null
  pluginId: string | null
  programCode: string | null
  service: string | null
}

/**
 * A provider's memos (使用日, notes for the next visit) on one of its
 * visits or on a resident it has served, in one municipality. They belong
 * to the provider: its own staff read and delete them; anyone else's
 * query never reaches them (every query is scoped by municipality and
 * provider, and the provider comes from the signed-in membership).
 * Writing and deleting commit with their audit event; the audit keeps
 * identifiers, never the memo's text.
 */
export default class ProviderMemos {
  readonly #history: ProviderHistory

  constructor(
    private readonly municipalityId: number,
    private readonly providerId: number
  ) {
    this.#history = new ProviderHistory(municipalityId, providerId)
  }

  #memos() {
    return db
      .from('provider_memos as m')
      .where('m.municipality_id', this.municipalityId)
      .where('m.provider_id', this.providerId)
  }

  /** The newest memos first; only those on given visits when `redemptionIds` is given */
  async list(options: { redemptionIds?: number[]; limit?: number } = {}): Promise<ProviderMemo[]> {
    const query = this.#memos()
      .leftJoin('ledger_redemptions as r', 'r.id', 'm.redemption_id')
      .leftJoin('residents as res', 'res.id', 'm.resident_id')
      .leftJoin('users as u', 'u.id', 'm.created_by_user_id')
      .select(
        'm.id',
        'm.body',
        'm.created_at',
        'm.resident_id',
        'm.redemption_id',
        'res.resident_number',
        'res.family_name',
        'res.given_name',
        'r.visit_date',
        'r.plugin_id',
        'r.program_code',
        'r.service',
        'u.full_name'
      )
      .orderBy('m.created_at', 'desc')
      .orderBy('m.id', 'desc')
    if (options.redemptionIds) {
      if (options.redemptionIds.length === 0) return []
      query.whereIn('m.redemption_id', options.redemptionIds)
    }
    if (options.limit) query.limit(options.limit)
    const rows = await query
    return rows.map((row) => ({
      id: Number(row.id),
      body: row.body,
      createdAt: new Date(row.created_at),
      authorName: row.full_name ?? null,
      residentId: row.resident_id === null ? null : Number(row.resident_id),
      residentNumber: row.resident_number ?? null,
      residentName: row.family_name ? `${row.family_name} ${row.given_name}` : null,
      redemptionId: row.redemption_id === null ? null : Number(row.redemption_id),
      visitDate: row.visit_date ?? null,
      pluginId: row.plugin_id ?? null,
      programCode: row.program_code ?? null,
      service: row.service ?? null,
    }))
  }

  /**
   * Writes a memo on one of the provider's visits (its resident is kept
   * too) or on a resident who has had a visit with the provider here.
   * Refuses anything else with MemoRefusal; returns the memo id.
   */
  async create(target: MemoTarget, body: string, by: StaffAction) {
    let residentId: number
    let redemptionId: number | null = null
    if ('redemptionId' in target) {
      const visit = await this.#history.visit(target.redemptionId)
      if (!visit) throw new MemoRefusal('redemption_id', 'unknown_visit')
      residentId = visit.residentId
      redemptionId = visit.id
    } else {
      // Read as the resident lookup reads it: any case, full-width or not
      const number = ProviderResidentLookup.normalize(target.residentNumber)
      const resident =
        number === null
          ? null
          : await db
              .from('residents')
              .where('municipality_id', this.municipalityId)
              .whereRaw('UPPER(resident_number) = ?', [number.toUpperCase()])
              .select('id')
              .first()
      if (!resident) throw new MemoRefusal('resident_number', 'unknown_resident')
      residentId = Number(resident.id)
      // A resident the provider never served is as unknown to it as a
      // stranger: the same answer, so a 利用者ID cannot be probed here.
      if (!(await this.#history.servedResident(residentId))) {
        throw new MemoRefusal('resident_number', 'unknown_resident')
      }
    }
    return db.transaction(async (trx) => {
      const [inserted] = await trx
        .table('provider_memos')
        .insert({
          municipality_id: this.municipalityId,
          provider_id: this.providerId,
          resident_id: residentId,
          redemption_id: redemptionId,
          body,
          created_by_user_id: by.actorUserId,
          created_at: new Date(),
        })
        .returning('id')
      const id = Number(typeof inserted === 'object' ? inserted.id : inserted)
      await AuditTrail.record(
        staffEvent(this.municipalityId, by, {
          action: 'provider.memo_created',
          subjectResidentId: residentId,
          purpose: 'provider_memo',
          details: {
            memo_id: id,
            provider_id: this.providerId,
            redemption_id: redemptionId,
            length: body.length,
          },
        }),
        trx
      )
      return id
    })
  }

  /** Deletes one of the provider's memos; false when it has no such memo */
  async delete(memoId: number, by: StaffAction) {
    return db.transaction(async (trx) => {
      const memo = await this.#memos()
        .where('m.id', memoId)
        .select('m.id', 'm.resident_id', 'm.redemption_id')
        .useTransaction(trx)
        .first()
      if (!memo) return false
      await trx.from('provider_memos').where('id', memoId).delete()
      await AuditTrail.record(
        staffEvent(this.municipalityId, by, {
          action: 'provider.memo_deleted',
          subjectResidentId: memo.resident_id === null ? null : Number(memo.resident_id),
          purpose: 'provider_memo',
          details: {
            memo_id: memoId,
            provider_id: this.providerId,
            redemption_id: memo.redemption_id === null ? null : Number(memo.redemption_id),
          },
        }),
        trx
      )
      return true
    })
  }
}
