import app from '@adonisjs/core/services/app'
import db from '@adonisjs/lucid/services/db'
import WindowKey from '#ledger/window_key'
import { differenceQueries } from '#ledger/ledger_rollups'
import LedgerRollupRefresh from '#ledger/ledger_rollup_refresh'
import { HELD_OR_SPENT, WINDOW_COLUMNS, windowCountedMinutes } from '#ledger/ledger_counts'

export type LedgerViolation = { subject: string; message: string }

/**
 * Recomputes every lot balance from the journal and checks the invariants:
 * balances equal the sum of their entries, never negative, never above
 * the grant; every redemption is pending or resolved, and its entries add
 * up to its minutes; the month rollups (after a refresh) equal the ledger aggregated from
 * scratch.
 */
export default class LedgerVerifier {
  static async firstViolation(): Promise<LedgerViolation | null> {
    const lots = await db.from('ledger_lots').orderBy('id')
    const sums = await db
      .from('ledger_entries')
      .groupBy('lot_id')
      .select('lot_id')
      .sum('delta_available as delta')
    const deltaByLot = new Map(sums.map((row) => [Number(row.lot_id), Number(row.delta)]))
    for (const lot of lots) {
      const id = Number(lot.id)
      const available = Number(lot.available_minutes)
      const derived = deltaByLot.get(id) ?? 0
      if (available < 0)
        return { subject: `lot ${id}`, message: `balance ${available} is negative` }
      if (available > Number(lot.granted_minutes)) {
        return {
          subject: `lot ${id}`,
          message: `balance ${available} exceeds the grant ${lot.granted_minutes}`,
        }
      }
      if (derived !== available) {
        return {
          subject: `lot ${id}`,
          message: `balance ${available} but its entries add up to ${derived}`,
        }
      }
      if (lot.status === 'revoked' && available !== 0) {
        return { subject: `lot ${id}`, message: `revoked but still holds ${available} minutes` }
      }
    }

    const redemptions = await db.from('ledger_redemptions').orderBy('id')
    const entryTotals = await db
      .from('ledger_entries')
      .whereNotNull('redemption_id')
      .groupBy('redemption_id', 'kind')
      .select('redemption_id', 'kind')
      .sum('minutes as minutes')
    const totals = new Map<string, number>()
    for (const row of entryTotals)
      totals.set(`${row.redemption_id}:${row.kind}`, Number(row.minutes))
    const total = (id: number, kind: string) => totals.get(`${id}:${kind}`) ?? 0

    const expected: Record<string, string[]> = {
      reserved: ['reserve'],
      posted: ['reserve', 'redeem'],
      released: ['reserve', 'release'],
      cancelled: ['reserve', 'redeem', 'cancel'],
    }
    for (const redemption of redemptions) {
      const id = Number(redemption.id)
      const kinds = expected[redemption.status]
      if (!kinds) {
        return { subject: `redemption ${id}`, message: `unknown status "${redemption.status}"` }
      }
      for (const kind of ['reserve', 'redeem', 'release', 'cancel']) {
        const want = kinds.includes(kind) ? Number(redemption.minutes) : 0
        if (total(id, kind) !== want) {
          return {
            subject: `redemption ${id}`,
            message: `${redemption.status}: ${kind} entries add up to ${total(id, kind)}, expected ${want}`,
          }
        }
      }
    }
    return (await this.#capViolation()) ?? (await this.#rollupViolation())
  }

  /** The month rollups against the same figures aggregated from scratch */
  static async #rollupViolation(): Promise<LedgerViolation | null> {
    // Months marked since the last refresh are recomputed first; the others must already agree
    await LedgerRollupRefresh.run()
    for (const { table, sql } of differenceQueries(db.connection().dialect.name)) {
      const result = await db.rawQuery(sql)
      const [row] = Array.isArray(result) ? result : result.rows
      const differences = Number(row.differences)
      if (differences !== 0) {
        return {
          subject: table,
          message: `${differences} rows differ from the ledger aggregated from scratch`,
        }
      }
    }
    return null
  }

  /**
   * Caps of the programs' coupon definitions: what a window granted within
   * its cap (a revoked lot counts less the minutes its revocation took
   * back), and what was held or spent on a service within its sub-cap.
   * Lots of programs no plugin declares are skipped.
   */
  static async #capViolation(): Promise<LedgerViolation | null> {
    const host = await app.container.make('plugins')
    const windowOf = (row: Record<string, any>) => {
      const program = host
        .get(row.plugin_id)
        ?.programs?.find((candidate) => candidate.code === row.program_code)
      const definition = program?.definitions.find(
        (candidate) => candidate.version === row.definition_version
      )
      return definition?.windows.find((window) => window.key === WindowKey.base(row.window_key))
    }
    const group = WINDOW_COLUMNS.map((column) => `ledger_lots.${column}`)
    const granted = await windowCountedMinutes(
      db.connection(),
      db.from('ledger_lots').whereNotNull('ledger_lots.window_key').groupBy(group).select(group)
    )
    for (const row of granted) {
      const window = windowOf(row)
      const minutes = Number(row.minutes)
      if (window && minutes > window.totalMinutes) {
        return {
          subject: `resident ${row.resident_id} window ${row.window_key}`,
          message: `granted ${minutes} minutes above the cap ${window.totalMinutes}`,
        }
      }
    }

    const spent = await db
      .from('ledger_entries')
      .join('ledger_redemptions', 'ledger_redemptions.id', 'ledger_entries.redemption_id')
      .join('ledger_lots', 'ledger_lots.id', 'ledger_entries.lot_id')
      .where('ledger_entries.kind', 'reserve')
      .whereIn('ledger_redemptions.status', HELD_OR_SPENT)
      .whereNotNull('ledger_lots.window_key')
      .groupBy([...group, 'ledger_redemptions.service'])
      .select([...group, 'ledger_redemptions.service'])
      .sum('ledger_entries.minutes as minutes')
    for (const row of spent) {
      const subCap = windowOf(row)?.serviceMinutes?.[row.service]
      if (subCap !== undefined && Number(row.minutes) > subCap) {
        return {
          subject: `resident ${row.resident_id} window ${row.window_key}`,
          message: `${row.service} used ${row.minutes} minutes above the sub-cap ${subCap}`,
        }
      }
    }
    return null
  }
}
