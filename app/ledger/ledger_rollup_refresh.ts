import db from '@adonisjs/lucid/services/db'
import type { TransactionClientContract } from '@adonisjs/lucid/types/database'
import {
  ROLLUP_CHANGES_TABLE,
  ROLLUP_CHANGE_COLUMNS,
  ROLLUP_KEYS,
  type RollupChange,
  changeScopes,
} from '#ledger/ledger_rollups'
import { type SqlCell, valuesList } from '#shared/values_list'

/** One fold at a time on PostgreSQL: each reads the member rows it then writes */
const REFRESH_LOCK = 716_050_001
/** Changes taken from the log per fold */
const CHANGES_PER_FOLD = 5000
/** Rows per upsert statement (9 columns: under SQLite's 32,766 bound parameters) */
const ROWS_PER_UPSERT = 500

const MEMBERS = 'ledger_month_residents'
const TOTALS = 'ledger_month_totals'
const USAGE = 'ledger_usage_totals'

type Figures = { key: SqlCell[]; count: number; minutes: number }

/** Adds a change's count and minutes to the figures of its key */
function add(into: Map<string, Figures>, key: SqlCell[], count: number, minutes: number) {
  const id = JSON.stringify(key)
  const figures = into.get(id) ?? { key, count: 0, minutes: 0 }
  figures.count += count
  figures.minutes += minutes
  into.set(id, figures)
}

/**
 * Brings the month rollups up to date with the ledger (ledger_rollups.ts):
 * takes the changes the ledger's triggers appended and folds them into the
 * usage totals, each month's residents and the month totals, in one
 * transaction. A change is deleted from the log by the statement that
 * returns it, so it is folded exactly once: a posting that commits
 * meanwhile stays in the log for the next refresh.
 */
export default class LedgerRollupRefresh {
  /** Folds one municipality's changes, or every one's; returns how many changes */
  static async run(municipalityId?: number): Promise<number> {
    if (!(await this.#anyLogged(municipalityId))) return 0
    return db.transaction(async (trx) => {
      if (trx.dialect.name === 'postgres') {
        await trx.rawQuery('SELECT pg_advisory_xact_lock(?)', [REFRESH_LOCK])
      }
      let folded = 0
      for (;;) {
        const changes = await this.#take(trx, municipalityId)
        if (changes.length > 0) await this.#fold(trx, changes)
        folded += changes.length
        if (changes.length < CHANGES_PER_FOLD) return folded
      }
    })
  }

  static async #anyLogged(municipalityId?: number) {
    const query = db.from(ROLLUP_CHANGES_TABLE).select('id').limit(1)
    if (municipalityId !== undefined) query.where('municipality_id', municipalityId)
    const rows = await query
    return rows.length > 0
  }

  /** Deletes the oldest changes from the log and returns them */
  static async #take(trx: TransactionClientContract, municipalityId?: number) {
    const where = municipalityId === undefined ? '' : 'WHERE municipality_id = ?'
    const result = await trx.rawQuery(
      `DELETE FROM ${ROLLUP_CHANGES_TABLE} WHERE id IN (
         SELECT id FROM ${ROLLUP_CHANGES_TABLE} ${where} ORDER BY id LIMIT ${CHANGES_PER_FOLD}
       ) RETURNING ${ROLLUP_CHANGE_COLUMNS.join(', ')}`,
      municipalityId === undefined ? [] : [municipalityId]
    )
    const rows: Record<string, unknown>[] = Array.isArray(result) ? result : result.rows
    return rows.map(
      (row) =>
        ({
          ...row,
          sign: Number(row.sign),
          municipality_id: Number(row.municipality_id),
          resident_id: Number(row.resident_id),
          facility_id: Number(row.facility_id),
          counts: Number(row.counts),
          replaced: Number(row.replaced),
          minutes: Number(row.minutes),
        }) as RollupChange
    )
  }

  static async #fold(trx: TransactionClientContract, changes: RollupChange[]) {
    const usage = new Map<string, Figures>()
    const members = new Map<string, Figures>()
    for (const change of changes) {
      const minutes = change.sign * change.minutes
      if (change.kind === 'used' && change.replaced === 0) {
        add(
          usage,
          [
            change.municipality_id,
            change.month,
            change.plugin_id,
            change.program_code,
            change.service,
            change.facility_id,
            change.status,
          ],
          change.sign,
          minutes
        )
      }
      if (change.counts === 1) {
        for (const scope of changeScopes(change)) {
          add(
            members,
            [
              change.municipality_id,
              change.kind,
              scope.pluginId,
              scope.programCode,
              change.month,
              scope.facilityId,
              change.resident_id,
            ],
            change.sign,
            minutes
          )
        }
      }
    }
    await this.#foldMembers(trx, members)
    await this.#addTo(trx, USAGE, ['visits', 'minutes'], [...usage.values()], (figures) => [
      figures.count,
      figures.minutes,
    ])
    const municipalities = [...new Set(changes.map((change) => change.municipality_id))]
    await trx.from(USAGE).whereIn('municipality_id', municipalities).where('visits', 0).delete()
    await trx.from(TOTALS).whereIn('municipality_id', municipalities).where('items', 0).delete()
  }

  /**
   * Writes each member row's new figures, and adds to the month totals how
   * many residents became active (or stopped being) in each scope.
   */
  static async #foldMembers(trx: TransactionClientContract, members: Map<string, Figures>) {
    const stored = await this.#storedMembers(trx, [...members.values()])
    const totals = new Map<string, Figures & { residents: number }>()
    const written: SqlCell[][] = []
    const emptied: SqlCell[][] = []
    for (const [id, change] of members) {
      const before = stored.get(id) ?? { count: 0, minutes: 0 }
      const items = before.count + change.count
      const minutes = before.minutes + change.minutes
      if (items > 0) written.push([...change.key, items, minutes])
      else if (stored.has(id)) emptied.push(change.key)
      const totalKey = change.key.slice(0, -1)
      const totalId = JSON.stringify(totalKey)
      const total = totals.get(totalId) ?? { key: totalKey, residents: 0, count: 0, minutes: 0 }
      total.residents += Number(items > 0) - Number(before.count > 0)
      total.count += change.count
      total.minutes += change.minutes
      totals.set(totalId, total)
    }
    await this.#upsert(
      trx,
      MEMBERS,
      ['items', 'minutes'],
      written,
      (column) => `excluded.${column}`
    )
    for (const key of emptied) {
      await trx
        .from(MEMBERS)
        .where(
          Object.fromEntries(ROLLUP_KEYS[MEMBERS].map((column, index) => [column, key[index]]))
        )
        .delete()
    }
    await this.#addTo(
      trx,
      TOTALS,
      ['residents', 'items', 'minutes'],
      [...totals.values()],
      (total) => [total.residents, total.count, total.minutes]
    )
  }

  /** The stored figures of the member rows about to change, by key */
  static async #storedMembers(trx: TransactionClientContract, changed: Figures[]) {
    const stored = new Map<string, { count: number; minutes: number }>()
    const byMunicipality = Map.groupBy(changed, (member) => Number(member.key[0]))
    for (const [municipalityId, rows] of byMunicipality) {
      const residentIds = [...new Set(rows.map((member) => Number(member.key[6])))]
      const months = [...new Set(rows.map((member) => String(member.key[4])))]
      for (let start = 0; start < residentIds.length; start += ROWS_PER_UPSERT) {
        const found = await trx
          .from(MEMBERS)
          .where('municipality_id', municipalityId)
          .whereIn('resident_id', residentIds.slice(start, start + ROWS_PER_UPSERT))
          .whereIn('month', months)
        for (const row of found) {
          const key = ROLLUP_KEYS[MEMBERS].map((column) =>
            column === 'municipality_id' || column === 'facility_id' || column === 'resident_id'
              ? Number(row[column])
              : row[column]
          )
          stored.set(JSON.stringify(key), {
            count: Number(row.items),
            minutes: Number(row.minutes),
          })
        }
      }
    }
    return stored
  }

  /** Adds figures to the rows of their keys, created when missing */
  static async #addTo<Row extends { key: SqlCell[] }>(
    trx: TransactionClientContract,
    table: keyof typeof ROLLUP_KEYS,
    figures: string[],
    rows: Row[],
    values: (row: Row) => number[]
  ) {
    const changed = rows.filter((row) => values(row).some((value) => value !== 0))
    await this.#upsert(
      trx,
      table,
      figures,
      changed.map((row) => [...row.key, ...values(row)]),
      (column) => `${table}.${column} + excluded.${column}`
    )
  }

  /** Inserts rows (key, then figures); a row whose key exists sets each figure to `update(column)` */
  static async #upsert(
    trx: TransactionClientContract,
    table: keyof typeof ROLLUP_KEYS,
    figures: string[],
    rows: SqlCell[][],
    update: (column: string) => string
  ) {
    const key = ROLLUP_KEYS[table]
    for (let start = 0; start < rows.length; start += ROWS_PER_UPSERT) {
      const values = valuesList(rows.slice(start, start + ROWS_PER_UPSERT))
      await trx.rawQuery(
        `INSERT INTO ${table} (${[...key, ...figures].join(', ')}) VALUES ${values.sql}
         ON CONFLICT (${key.join(', ')}) DO UPDATE SET ${figures
           .map((column) => `${column} = ${update(column)}`)
           .join(', ')}`,
        values.bindings
      )
    }
  }
}
