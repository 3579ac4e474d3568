import { DateTime } from 'luxon'
import db from '@adonisjs/lucid/services/db'
import { isUniqueViolation } from '#shared/unique_violation'
import type { QueryClientContract, TransactionClientContract } from '@adonisjs/lucid/types/database'
import { ledgerPostings } from '#metrics/metrics_registry'
import LedgerRefusal from '#ledger/ledger_refusal'
import { planDebit, type LotRow, type LotSpendLimit } from '#ledger/debit_plan'
import { HELD_OR_SPENT, windowCountedMinutes } from '#ledger/ledger_counts'
import { affectedRows } from '#shared/affected_rows'
import { sha256Hex } from '#shared/sha256'
import { updateReturning } from '#shared/update_returning'

export type EntryKind =
  'grant' | 'reserve' | 'redeem' | 'release' | 'cancel' | 'expire' | 'revoke' | 'adjust'

/** How an active lot ends, and the kind of entry its lapsing minutes get */
type LapsedStatus = 'expired' | 'revoked'
const LAPSE_KIND: Record<LapsedStatus, EntryKind> = { expired: 'expire', revoked: 'revoke' }

export type GrantInput = {
  municipalityId: number
  residentId: number
  pluginId: string
  programCode: string
  definitionVersion: string
  services: string[]
  windowKey?: string | null
  /** The child the lot was granted for, when the program counts per child */
  childId?: number | null
  copaymentTier?: string | null
  validFrom: string
  validTo: string
  minutes: number
  /** The most a window may hold across all active lots, when the program caps it */
  windowCapMinutes?: number | null
  actorUserId?: number | null
}

export type ReserveInput = {
  municipalityId: number
  residentId: number
  pluginId: string
  programCode: string
  service: string
  visitDate: string
  /** HH:MM, when the program limits the hours of the day */
  visitStart?: string | null
  minutes: number
  idempotencyKey: string
  providerId?: number | null
  /** The provider's facility (施設) where the visit happens, for reports */
  facilityId?: number | null
  /** The program's deduction priority: services earlier in the list are spent first */
  deductionPriority: string[]
  /** The program's rules checked under the lock (see program_spend_policy) */
  policy?: SpendPolicy
  /** Runs in the reservation's transaction (e.g. its audit event); not on replays */
  onReserved?: (client: TransactionClientContract, redemptionId: number) => Promise<void>
  actorUserId?: number | null
}

export type { LotRow }

/** One journal entry (ledger_entries) as the engine writes it */
type EntryInput = {
  municipalityId: number
  residentId: number
  lotId: number
  redemptionId?: number
  kind: EntryKind
  minutes: number
  delta: number
  actorUserId?: number | null
  reason?: string | null
}

/**
 * Program rules the engine applies inside the redemption's transaction,
 * after the resident's lots are locked, so that concurrent requests see
 * each other: per-day limits (checkDay) and how much one lot may pay for
 * this service (lotLimit: sub-caps, age limits of a service).
 */
export type SpendPolicy = {
  checkDay(client: TransactionClientContract, input: ReserveInput): Promise<void>
  lotLimit(
    client: TransactionClientContract,
    lot: LotRow,
    input: ReserveInput
  ): Promise<LotSpendLimit>
}

/**
 * The program-agnostic hour ledger: grants (lots), two-phase redemptions
 * (reserve → post, or release) and staff cancellation, every change an
 * append-only entry, balances cached per lot and never below zero.
 *
 * Concurrency: each operation runs in one transaction and debits lots with
 * guarded UPDATEs (`available_minutes >= n`), after locking the resident's
 * candidate lots in id order on PostgreSQL (SQLite serializes writers).
 * Idempotency keys are unique per municipality: a replay returns the first
 * result; the same key with other parameters is refused.
 */
export default class LedgerEngine {
  static async grant(input: GrantInput, trx?: TransactionClientContract) {
    if (!Number.isInteger(input.minutes) || input.minutes <= 0) {
      throw new LedgerRefusal('invalid_amount', { minutes: input.minutes })
    }
    return this.#inTransaction(trx, async (client) => {
      if (input.windowKey && input.windowCapMinutes) {
        const counted = await windowCountedMinutes(client, this.programLots(client, input))
          .where({
            definition_version: input.definitionVersion,
            window_key: input.windowKey,
            child_id: input.childId ?? null,
          })
          .first()
        const already = Number(counted?.minutes ?? 0)
        if (already + input.minutes > input.windowCapMinutes) {
          throw new LedgerRefusal('cap_exceeded', {
            cap: input.windowCapMinutes,
            already,
            requested: input.minutes,
          })
        }
      }
      const [inserted] = await client
        .table('ledger_lots')
        .insert({
          municipality_id: input.municipalityId,
          resident_id: input.residentId,
          plugin_id: input.pluginId,
          program_code: input.programCode,
          definition_version: input.definitionVersion,
          services: JSON.stringify(input.services),
          window_key: input.windowKey ?? null,
          child_id: input.childId ?? null,
          copayment_tier: input.copaymentTier ?? null,
          valid_from: input.validFrom,
          valid_to: input.validTo,
          granted_minutes: input.minutes,
          available_minutes: input.minutes,
          status: 'active',
          created_by_user_id: input.actorUserId ?? null,
          created_at: new Date(),
        })
        .returning('id')
      const lotId = Number(typeof inserted === 'object' ? inserted.id : inserted)
      await this.#entry(client, {
        municipalityId: input.municipalityId,
        residentId: input.residentId,
        lotId,
        kind: 'grant',
        minutes: input.minutes,
        delta: input.minutes,
        actorUserId: input.actorUserId,
      })
      return lotId
    })
  }

  /**
   * First phase of a redemption: holds the minutes, spread over the
   * resident's valid lots in deduction order.
   */
  static async reserve(input: ReserveInput, trx?: TransactionClientContract) {
    if (!Number.isInteger(input.minutes) || input.minutes <= 0) {
      throw new LedgerRefusal('invalid_amount', { minutes: input.minutes })
    }
    const requestHash = hashRequest(input)
    const replay = (existing: { id: unknown; request_hash: string }) => {
      if (existing.request_hash !== requestHash) throw new LedgerRefusal('idempotency_conflict')
      return { redemptionId: Number(existing.id), replayed: true }
    }
    const findExisting = (client: TransactionClientContract | typeof db) =>
      client
        .from('ledger_redemptions')
        .where({ municipality_id: input.municipalityId, idempotency_key: input.idempotencyKey })
        .first()

    try {
      return await this.#inTransaction(trx, async (client) => {
        const existing = await findExisting(client)
        if (existing) return replay(existing)
        return this.#reserveFresh(client, input, requestHash)
      })
    } catch (error) {
      // Two requests with one key at the same moment: the loser sees the
      // winner's row once it commits, and answers as a replay.
      if (trx || !isUniqueViolation(error)) throw error
      const winner = await findExisting(db)
      if (!winner) throw error
      return replay(winner)
    }
  }

  static async #reserveFresh(
    client: TransactionClientContract,
    input: ReserveInput,
    requestHash: string
  ) {
    const lots = await this.#spendableLots(client, input)
    if (lots.length === 0) throw new LedgerRefusal('no_valid_lot', { service: input.service })
    await input.policy?.checkDay(client, input)

    // A policy may cap what a lot pays for this service (sub-caps, age limits).
    const { plan, remaining, limitedBy } = await planDebit(lots, input.minutes, (lot) =>
      input.policy
        ? input.policy.lotLimit(client, lot, input)
        : Promise.resolve({ minutes: Number(lot.available_minutes) })
    )
    if (remaining > 0) {
      const balance = lots.reduce((total, lot) => total + Number(lot.available_minutes), 0)
      // The hours are there but a rule keeps them from this service: say which.
      if (limitedBy && balance >= input.minutes) throw limitedBy.refused()
      throw new LedgerRefusal('not_enough_minutes', {
        available: input.minutes - remaining,
        requested: input.minutes,
      })
    }

    const [inserted] = await client
      .table('ledger_redemptions')
      .insert({
        municipality_id: input.municipalityId,
        resident_id: input.residentId,
        plugin_id: input.pluginId,
        program_code: input.programCode,
        service: input.service,
        visit_date: input.visitDate,
        visit_start: input.visitStart ?? null,
        minutes: input.minutes,
        status: 'reserved',
        idempotency_key: input.idempotencyKey,
        request_hash: requestHash,
        provider_id: input.providerId ?? null,
        facility_id: input.facilityId ?? null,
        created_at: new Date(),
      })
      .returning('id')
    const redemptionId = Number(typeof inserted === 'object' ? inserted.id : inserted)

    // Each debit is one guarded statement: the lots are locked (PostgreSQL)
    // or the writer is ours (SQLite), and the guard is the last word anyway.
    for (const { lot, take } of plan) {
      const updated = await client
        .from('ledger_lots')
        .where('id', lot.id)
        .where('available_minutes', '>=', take)
        .decrement('available_minutes', take)
      if (affectedRows(updated) !== 1) {
        throw new LedgerRefusal('not_enough_minutes', {
          available: input.minutes - remaining,
          requested: input.minutes,
        })
      }
    }
    await this.#entries(
      client,
      plan.map(({ lot, take }) => ({
        municipalityId: input.municipalityId,
        residentId: input.residentId,
        lotId: lot.id,
        redemptionId,
        kind: 'reserve' as const,
        minutes: take,
        delta: -take,
        actorUserId: input.actorUserId,
      }))
    )
    await input.onReserved?.(client, redemptionId)
    return { redemptionId, replayed: false }
  }

  /**
   * Second phase on the provider's approval: the held minutes are spent.
   */
  static async post(
    redemptionId: number,
    actorUserId: number | null,
    trx?: TransactionClientContract,
    municipalityId?: number
  ) {
    return this.#resolve(
      redemptionId,
      'reserved',
      'posted',
      'redeem',
      false,
      actorUserId,
      null,
      trx,
      municipalityId
    )
  }

  /**
   * Rejection or timeout: the held minutes go back to their lots.
   */
  static async release(
    redemptionId: number,
    actorUserId: number | null,
    reason: string | null,
    trx?: TransactionClientContract,
    municipalityId?: number
  ) {
    return this.#resolve(
      redemptionId,
      'reserved',
      'released',
      'release',
      true,
      actorUserId,
      reason,
      trx,
      municipalityId
    )
  }

  /**
   * Staff cancellation (利用取消) of a posted redemption, with a reason.
   */
  static async cancel(
    redemptionId: number,
    actorUserId: number | null,
    reason: string,
    trx?: TransactionClientContract,
    municipalityId?: number
  ) {
    return this.#resolve(
      redemptionId,
      'posted',
      'cancelled',
      'cancel',
      true,
      actorUserId,
      reason,
      trx,
      municipalityId
    )
  }

  /**
   * Expires what is left on lots whose validity ended before `today`.
   * Returns how many lots were expired.
   */
  static async expireLapsed(today: string) {
    const lapsed = await db
      .from('ledger_lots')
      .where('status', 'active')
      .where('valid_to', '<', today)
      .select('id')
    let expired = 0
    for (const { id } of lapsed) {
      await db.transaction(async (client) => {
        const lot = await this.lockLot(client, Number(id))
        if (!lot || lot.status !== 'active') return
        await this.#lapse(client, lot, 'expired')
        expired++
      })
    }
    return expired
  }

  /**
   * Moves a redemption on from one status, once: answers its row as
   * changed, or null when `municipalityId` is given and the municipality
   * has no such redemption (another municipality's is as absent as an
   * unknown one).
   */
  static async #resolve(
    redemptionId: number,
    from: 'reserved' | 'posted',
    to: 'posted' | 'released' | 'cancelled',
    kind: EntryKind,
    returnsMinutes: boolean,
    actorUserId: number | null,
    reason: string | null,
    trx?: TransactionClientContract,
    municipalityId?: number
  ): Promise<Record<string, any> | null> {
    return this.#inTransaction(trx, async (client) => {
      const scope = {
        id: redemptionId,
        ...(municipalityId === undefined ? {} : { municipality_id: municipalityId }),
      }
      // The guarded status change is what makes approve/reject/cancel
      // happen once, even when two staff click at the same moment.
      const [redemption] = await updateReturning<Record<string, any>>(
        client,
        'ledger_redemptions',
        { ...scope, status: from },
        { status: to, resolved_at: new Date(), reason },
        ['*']
      )
      if (!redemption) {
        const absent =
          municipalityId !== undefined &&
          !(await client.from('ledger_redemptions').where(scope).first())
        if (absent) return null
        throw new LedgerRefusal(from === 'reserved' ? 'not_reserved' : 'not_posted')
      }
      const held = await client
        .from('ledger_entries')
        .where('redemption_id', redemptionId)
        .where('kind', 'reserve')
        .orderBy('id')
      await this.#entries(
        client,
        held.map((entry) => ({
          municipalityId: Number(entry.municipality_id),
          residentId: Number(entry.resident_id),
          lotId: Number(entry.lot_id),
          redemptionId,
          kind,
          minutes: Number(entry.minutes),
          delta: returnsMinutes ? Number(entry.minutes) : 0,
          actorUserId,
          reason,
        }))
      )
      if (returnsMinutes) {
        for (const entry of held) {
          const minutes = Number(entry.minutes)
          await client
            .from('ledger_lots')
            .where('id', entry.lot_id)
            .increment('available_minutes', minutes)
          await this.#lapseReturned(client, Number(entry.lot_id), minutes)
        }
      }
      return redemption
    })
  }

  /**
   * Ends an active lot (expired by time, or revoked by staff): what is
   * still available lapses in one entry of the matching kind ("expire",
   * "revoke"), written when minutes lapse or a reason must be kept. The
   * change is guarded on the balance read under the lock; false when
   * another change came first.
   */
  static async #lapse(
    client: TransactionClientContract,
    lot: Record<string, any>,
    status: LapsedStatus,
    by: { actorUserId?: number | null; reason?: string } = {}
  ) {
    const left = Number(lot.available_minutes)
    const changed = await client
      .from('ledger_lots')
      .where('id', lot.id)
      .where('status', 'active')
      .where('available_minutes', left)
      .update({ status, available_minutes: 0 })
    if (affectedRows(changed) !== 1) return false
    if (left > 0 || by.reason) {
      await this.#entry(client, {
        municipalityId: Number(lot.municipality_id),
        residentId: Number(lot.resident_id),
        lotId: Number(lot.id),
        kind: LAPSE_KIND[status],
        minutes: left,
        delta: -left,
        actorUserId: by.actorUserId,
        reason: by.reason,
      })
    }
    return true
  }

  /**
   * Minutes returned to a lot that expired or was revoked meanwhile lapse
   * at once, the same way its balance did (kind "expire" or "revoke"), so
   * no balance sits where nothing can spend it and a revoked window's cap
   * frees exactly what the resident never used.
   */
  static async #lapseReturned(client: TransactionClientContract, lotId: number, minutes: number) {
    const lot = await client.from('ledger_lots').where('id', lotId).first()
    const kind = LAPSE_KIND[lot.status as LapsedStatus]
    if (!kind) return
    await client.from('ledger_lots').where('id', lotId).decrement('available_minutes', minutes)
    await this.#entry(client, {
      municipalityId: Number(lot.municipality_id),
      residentId: Number(lot.resident_id),
      lotId,
      kind,
      minutes,
      delta: -minutes,
    })
  }

  /**
   * Staff revocation of a lot: what is still available is taken away (one
   * "revoke" entry with the reason, even when nothing is left) and the lot
   * can no longer pay for anything. Minutes held by pending visits stay
   * with those visits: approved, they are spent as usual; released or
   * later cancelled, they lapse at once (see #expireIfLapsed) and never
   * return to the revoked lot. Expired lots have nothing left to revoke.
   */
  static async revoke(
    municipalityId: number,
    lotId: number,
    reason: string,
    actorUserId: number | null,
    trx?: TransactionClientContract
  ) {
    if (!reason?.trim()) throw new LedgerRefusal('reason_required')
    return this.#inTransaction(trx, async (client) => {
      const lot = await this.#adjustableLot(client, municipalityId, lotId)
      if (lot.status === 'expired') throw new LedgerRefusal('lot_expired')
      const left = Number(lot.available_minutes)
      const by = { actorUserId, reason: reason.trim() }
      if (!(await this.#lapse(client, lot, 'revoked', by))) throw new LedgerRefusal('lot_revoked')
      const held = await this.#visitEntries(client, Number(lot.id), ['reserved'])
        .sum('ledger_entries.minutes as minutes')
        .first()
      return { revokedMinutes: left, heldMinutes: Number(held?.minutes ?? 0) }
    })
  }

  /**
   * Staff set a lot's last valid day (延長 or 短縮), with a reason: one
   * "adjust" entry that moves no minutes. Refused before the lot's first
   * day, in the past (Japan time), or before the date of a visit reserved
   * or approved on the lot (that visit must stay inside the validity).
   *
   * An expired lot may be reopened to a future date: expiry is a rule of
   * time, and when staff extend a period (a hospital stay, a late birth
   * registration) the resident should get back what lapsed. The adjust
   * entry then returns exactly the minutes its "expire" entries wrote off
   * (less what earlier reopenings returned), so the journal still adds up
   * and the history shows both steps. A revoked lot stays revoked.
   */
  static async changeExpiry(
    municipalityId: number,
    lotId: number,
    validTo: string,
    reason: string,
    actorUserId: number | null,
    options: { today?: string } = {},
    trx?: TransactionClientContract
  ) {
    if (!isIsoDate(validTo)) throw new LedgerRefusal('invalid_date')
    if (!reason?.trim()) throw new LedgerRefusal('reason_required')
    const today = options.today ?? DateTime.now().setZone('Asia/Tokyo').toISODate()!
    return this.#inTransaction(trx, async (client) => {
      const lot = await this.#adjustableLot(client, municipalityId, lotId)
      const from = String(lot.valid_to)
      if (validTo === from) throw new LedgerRefusal('expiry_unchanged', { validTo })
      if (validTo < String(lot.valid_from)) {
        throw new LedgerRefusal('expiry_before_start', { validFrom: String(lot.valid_from) })
      }
      if (validTo < today) throw new LedgerRefusal('expiry_in_past', { today })
      const lastVisit = await this.#visitEntries(client, Number(lot.id), HELD_OR_SPENT)
        .max('ledger_redemptions.visit_date as visit_date')
        .first()
      if (lastVisit?.visit_date && validTo < String(lastVisit.visit_date)) {
        throw new LedgerRefusal('expiry_before_visit', { visitDate: String(lastVisit.visit_date) })
      }

      let restored = 0
      if (lot.status === 'expired') {
        // What expired, less what earlier reopenings returned
        const written = await client
          .from('ledger_entries')
          .where('lot_id', lot.id)
          .select(
            client.raw(
              "sum(case when kind = 'expire' then minutes when kind = 'adjust' then -delta_available else 0 end) as minutes"
            )
          )
          .first()
        restored = Number(written?.minutes ?? 0)
      }
      await client
        .from('ledger_lots')
        .where('id', lot.id)
        .update({
          valid_to: validTo,
          status: 'active',
          available_minutes: Number(lot.available_minutes) + restored,
        })
      await this.#entry(client, {
        municipalityId,
        residentId: Number(lot.resident_id),
        lotId: Number(lot.id),
        kind: 'adjust',
        minutes: restored,
        delta: restored,
        actorUserId,
        reason: reason.trim(),
      })
      return { from, to: validTo, reopened: lot.status === 'expired', restoredMinutes: restored }
    })
  }

  /** A lot's reserve entries joined to their visits, of visits in these statuses */
  static #visitEntries(client: TransactionClientContract, lotId: number, statuses: string[]) {
    return client
      .from('ledger_entries')
      .join('ledger_redemptions', 'ledger_redemptions.id', 'ledger_entries.redemption_id')
      .where('ledger_entries.lot_id', lotId)
      .where('ledger_entries.kind', 'reserve')
      .whereIn('ledger_redemptions.status', statuses)
  }

  /**
   * The resident's lots that can pay for this service on the visit date, in
   * deduction order, locked on PostgreSQL for the transaction.
   */
  static async #spendableLots(client: TransactionClientContract, input: ReserveInput) {
    return this.orderForDeduction((await this.#validLots(client, input)) as LotRow[], input)
  }

  /**
   * Deduction order: lots whose services sit earlier in the program's
   * priority first (home-helper-only before doula-capable), then earliest
   * expiry, then oldest. Only lots that pay for the service.
   */
  static orderForDeduction(
    rows: LotRow[],
    input: Pick<ReserveInput, 'service' | 'deductionPriority'>
  ) {
    const rankOf = (lot: LotRow) =>
      Math.max(
        ...(JSON.parse(lot.services) as string[]).map((service) => {
          const index = input.deductionPriority.indexOf(service)
          return index === -1 ? input.deductionPriority.length : index
        })
      )
    const paying = rows
      .filter((lot) => (JSON.parse(lot.services) as string[]).includes(input.service))
      .map((lot) => ({ lot, rank: rankOf(lot) }))
    return paying
      .sort(
        (a, b) =>
          a.rank - b.rank ||
          a.lot.valid_to.localeCompare(b.lot.valid_to) ||
          Number(a.lot.id) - Number(b.lot.id)
      )
      .map(({ lot }) => lot)
  }

  /**
   * A resident's lots in one program: the scope of caps, deduction and
   * balances.
   */
  static programLots(
    client: QueryClientContract | TransactionClientContract,
    owner: Pick<ReserveInput, 'municipalityId' | 'residentId' | 'pluginId' | 'programCode'>
  ) {
    return client.from('ledger_lots').where({
      municipality_id: owner.municipalityId,
      resident_id: owner.residentId,
      plugin_id: owner.pluginId,
      program_code: owner.programCode,
    })
  }

  static #validLots(
    client: TransactionClientContract,
    input: Pick<
      ReserveInput,
      'municipalityId' | 'residentId' | 'pluginId' | 'programCode' | 'visitDate'
    >
  ) {
    const query = this.programLots(client, input)
      .where('status', 'active')
      .where('valid_from', '<=', input.visitDate)
      .where('valid_to', '>=', input.visitDate)
      .orderBy('id')
    if (client.dialect.name === 'postgres') query.forUpdate()
    return query
  }

  /** A lot (of this municipality, when given), locked for the transaction on PostgreSQL */
  static async lockLot(client: TransactionClientContract, lotId: number, municipalityId?: number) {
    const query = client.from('ledger_lots').where('id', lotId)
    if (municipalityId !== undefined) query.where('municipality_id', municipalityId)
    if (client.dialect.name === 'postgres') query.forUpdate()
    return query.first()
  }

  /** A lot of this municipality staff may change, locked: refused when absent or revoked */
  static async #adjustableLot(
    client: TransactionClientContract,
    municipalityId: number,
    lotId: number
  ) {
    const lot = await this.lockLot(client, lotId, municipalityId)
    if (!lot) throw new LedgerRefusal('lot_not_found')
    if (lot.status === 'revoked') throw new LedgerRefusal('lot_revoked')
    return lot
  }

  static async #entry(client: TransactionClientContract, entry: EntryInput) {
    await this.#entries(client, [entry])
  }

  /** Journal entries written in one statement, in order */
  static async #entries(client: TransactionClientContract, entries: EntryInput[]) {
    if (entries.length === 0) return
    const createdAt = new Date()
    await client.table('ledger_entries').multiInsert(
      entries.map((entry) => ({
        municipality_id: entry.municipalityId,
        resident_id: entry.residentId,
        lot_id: entry.lotId,
        redemption_id: entry.redemptionId ?? null,
        kind: entry.kind,
        minutes: entry.minutes,
        delta_available: entry.delta,
        actor_user_id: entry.actorUserId ?? null,
        reason: entry.reason ?? null,
        created_at: createdAt,
      }))
    )
    client.after('commit', () => {
      for (const entry of entries) ledgerPostings.inc({ kind: entry.kind })
    })
  }

  static #inTransaction<T>(
    trx: TransactionClientContract | undefined,
    work: (client: TransactionClientContract) => Promise<T>
  ) {
    return trx ? work(trx) : db.transaction(work)
  }
}

function hashRequest(input: ReserveInput) {
  const request = [
    input.municipalityId,
    input.residentId,
    input.pluginId,
    input.programCode,
    input.service,
    input.visitDate,
    input.visitStart ?? null,
    input.minutes,
    input.providerId ?? null,
    input.facilityId ?? null,
  ]
  return sha256Hex(JSON.stringify(request))
}

/** A real calendar date written YYYY-MM-DD */
function isIsoDate(value: string) {
  return (
    typeof value === 'string' &&
    /^\d{4}-\d{2}-\d{2}$/.test(value) &&
    DateTime.fromISO(value, { zone: 'utc' }).isValid
  )
}
