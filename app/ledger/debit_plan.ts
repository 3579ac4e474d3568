import type LedgerRefusal from '#ledger/ledger_refusal'

/** A lot as the engine reads it (ledger_lots), locked, in deduction order */
export type LotRow = {
  id: number
  services: string
  child_id: number | null
  window_key: string | null
  definition_version: string
  valid_from: string
  valid_to: string
  available_minutes: number
}

/** The most one lot may pay; lots in one pool (a window's sub-cap) share it */
export type LotSpendLimit = { minutes: number; pool?: string; refusal?: LedgerRefusal }

/**
 * Plans a debit over lots already in deduction order: each lot pays what
 * it holds, within its limit and its pool's remainder. `limitedBy` is the
 * first rule that held minutes back, to explain a refusal.
 */
export async function planDebit(
  lots: LotRow[],
  requested: number,
  limitFor: (lot: LotRow) => Promise<LotSpendLimit>
) {
  const plan: { lot: LotRow; take: number }[] = []
  const poolLeft = new Map<string, number>()
  let limitedBy: LedgerRefusal | undefined
  let remaining = requested
  for (const lot of lots) {
    const lotAvailable = Number(lot.available_minutes)
    const limit = await limitFor(lot)
    if (limit.pool && !poolLeft.has(limit.pool)) poolLeft.set(limit.pool, limit.minutes)
    const allowed = limit.pool ? (poolLeft.get(limit.pool) ?? 0) : limit.minutes
    const spendable = Math.max(0, Math.min(lotAvailable, allowed))
    if (spendable < lotAvailable) limitedBy ??= limit.refusal
    const take = Math.min(remaining, spendable)
    if (take === 0) continue
    plan.push({ lot, take })
    remaining -= take
    if (limit.pool) poolLeft.set(limit.pool, allowed - take)
  }
  return { plan, remaining, limitedBy }
}
