import type { QueryClientContract } from '@adonisjs/lucid/types/database'
import type { DatabaseQueryBuilderContract } from '@adonisjs/lucid/types/querybuilder'

/** Redemptions that count against limits: held or spent, not given back */
export const HELD_OR_SPENT = ['reserved', 'posted']

/** The columns that tell one window of one resident (and child) from another */
export const WINDOW_COLUMNS = [
  'resident_id',
  'plugin_id',
  'program_code',
  'definition_version',
  'window_key',
  'child_id',
] as const

/**
 * What lots count against their window's cap, summed as `minutes`: what
 * was granted, less what revocations took back. A revoked lot keeps
 * counting with what it paid for before (and after) its revocation; only
 * the minutes taken back are free again. `lots` is a query on
 * ledger_lots (narrow it, or group it by WINDOW_COLUMNS, as you need);
 * the grant's cap check and the verifier both count this way.
 */
export function windowCountedMinutes(
  client: QueryClientContract,
  lots: DatabaseQueryBuilderContract<any>
) {
  return lots.select(
    client.raw(
      `sum(ledger_lots.granted_minutes - coalesce((
        select sum(revoked.minutes) from ledger_entries as revoked
        where revoked.lot_id = ledger_lots.id and revoked.kind = 'revoke'
      ), 0)) as minutes`
    )
  )
}
