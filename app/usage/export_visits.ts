import { finished } from 'node:stream/promises'
import type { Client } from 'pg'
import { to as copyTo } from 'pg-copy-streams'
import db from '@adonisjs/lucid/services/db'
import type { DatabaseQueryBuilderContract } from '@adonisjs/lucid/types/querybuilder'
import { copyTextRows } from '#shared/copy_text_rows'
import { VISIT_COLUMNS } from '#visits/visit_residents'

/** What a visit took from one lot */
export type Spent = { version: string; tier: string | null; minutes: number }

/** A redemption as the exports read it, with the lots it was paid from in debit order */
export type Visit = {
  id: number
  pluginId: string
  programCode: string
  service: string
  visitDate: string
  visitStart: string | null
  minutes: number
  status: string
  residentId: number
  providerId: number | null
  facilityId: number | null
  spent: Spent[]
}

/** The filtered redemptions (aliased `r`) whose visits to read */
export type Redemptions = () => DatabaseQueryBuilderContract

/** The columns every reading selects, in this order (the COPY's rows are read by position) */
const REDEMPTION_COLUMNS = [...VISIT_COLUMNS, 'r.resident_id', 'r.provider_id', 'r.facility_id']

function orNumber(value: string | number | null) {
  return value === null ? null : Number(value)
}

/** A COPY row of REDEMPTION_COLUMNS (its cells in order, as text) */
function visitOfCells(cells: readonly (string | null)[]): Visit {
  return {
    id: Number(cells[0]),
    pluginId: cells[1]!,
    programCode: cells[2]!,
    service: cells[3]!,
    visitDate: cells[4]!,
    visitStart: cells[5],
    minutes: Number(cells[6]),
    status: cells[7]!,
    residentId: Number(cells[8]),
    providerId: orNumber(cells[9]),
    facilityId: orNumber(cells[10]),
    spent: [],
  }
}

/** A row of REDEMPTION_COLUMNS as the driver gives it (SQLite) */
function visitOfRow(row: Record<string, any>, spent: Spent[]): Visit {
  return {
    id: Number(row.id),
    pluginId: row.plugin_id,
    programCode: row.program_code,
    service: row.service,
    visitDate: row.visit_date,
    visitStart: row.visit_start,
    minutes: Number(row.minutes),
    status: row.status,
    residentId: Number(row.resident_id),
    providerId: orNumber(row.provider_id),
    facilityId: orNumber(row.facility_id),
    spent,
  }
}

/**
 * Reads the visits of an export a page at a time, by (visit date, id),
 * after their facility (ascending, visits without one last) when
 * `byFacility`; memory stays flat however many there are.
 * - PostgreSQL: one `COPY (the join with the lots) TO STDOUT`, read as it
 *   streams. A cursor read page by page left the app idle half of the
 *   time (each FETCH waited for the server, and the server for the next
 *   FETCH) and cannot use a parallel plan; COPY sends rows while they are
 *   written, held back by the socket when the file is slower. Planned for
 *   all its rows, it scans, hash-joins and sorts once rather than walking
 *   an index that visits a heap page per row. Its text is cheaper to read
 *   than the driver's rows (no object per row, numbers left as text).
 * - SQLite (one facility at a time, or no facility order): keyset
 *   pagination, so the millionth row costs what the first did: with a
 *   facility and a month, each page is one seek on the index
 *   (municipality, facility, visit date, id), then the page's lots.
 */
export default class ExportVisits {
  readonly #postgres = db.connection().dialect.name === 'postgres'

  constructor(
    private readonly municipalityId: number,
    /** Visits per page at most (tests make it small to cross pages) */
    private readonly pageSize: number
  ) {}

  pages(redemptions: Redemptions, byFacility: boolean): AsyncGenerator<Visit[]> {
    return this.#postgres
      ? this.#copyPages(redemptions, byFacility)
      : this.#keysetPages(redemptions)
  }

  async *#copyPages(redemptions: Redemptions, byFacility: boolean): AsyncGenerator<Visit[]> {
    const query = redemptions()
      .select(...REDEMPTION_COLUMNS)
      .leftJoin('ledger_entries as e', (join) => {
        join
          .on('e.redemption_id', '=', 'r.id')
          .andOnVal('e.kind', '=', 'reserve')
          .andOn('e.municipality_id', '=', 'r.municipality_id')
      })
      .leftJoin('ledger_lots as l', 'l.id', 'e.lot_id')
      .select('e.minutes as spent_minutes', 'l.definition_version', 'l.copayment_tier')
    if (byFacility) query.orderByRaw('r.facility_id asc nulls last')
    // A visit's lots in debit order, next to each other
    query.orderBy('r.visit_date').orderBy('r.id').orderBy('e.id')
    const trx = await db.transaction()
    let copy: ReturnType<typeof copyTo> | undefined
    try {
      // JIT compiling the plan took about a second, more than it saved on these scans
      await trx.rawQuery('SET LOCAL jit = off')
      // The transaction's own connection (knex lends it to every query of the transaction)
      const connection = (await trx.knexClient.client.acquireConnection()) as Client
      // COPY takes no bound parameters: the values are written in by knex's PostgreSQL
      // escaping (quotes doubled, backslashes with E'…'), the same as pg's escapeLiteral.
      copy = connection.query(copyTo(`COPY (${query.toQuery()}) TO STDOUT`))
      let page: Visit[] = []
      let visit: Visit | null = null
      for await (const rows of copyTextRows(copy.iterator({ destroyOnReturn: false }))) {
        for (const row of rows) {
          if (visit === null || visit.id !== Number(row[0])) {
            if (visit) page.push(visit)
            visit = visitOfCells(row)
          }
          if (row[11] !== null) {
            visit.spent.push({ minutes: Number(row[11]), version: row[12]!, tier: row[13] })
          }
          if (page.length >= this.pageSize) {
            yield page
            page = []
          }
        }
        if (page.length > 0) {
          yield page
          page = []
        }
      }
      if (visit) yield [visit]
    } finally {
      // Left early (the file failed): the rest of the COPY is read and dropped, so the
      // connection is free for the rollback
      if (copy && !copy.readableEnded) {
        copy.resume()
        await finished(copy).catch(() => {})
      }
      await trx.rollback()
    }
  }

  async *#keysetPages(redemptions: Redemptions): AsyncGenerator<Visit[]> {
    let after: { date: string; id: number } | null = null
    for (;;) {
      const batch = await this.#keysetPage(redemptions, after)
      if (batch.length === 0) return
      const lots = await this.#lotsOf(batch.map((row) => Number(row.id)))
      yield batch.map((row) => visitOfRow(row, lots.get(Number(row.id)) ?? []))
      if (batch.length < this.pageSize) return
      const last = batch[batch.length - 1]
      after = { date: last.visit_date, id: Number(last.id) }
    }
  }

  /**
   * The page after (visit date, id) = `after`, as at most two exact seeks:
   * the rest of that day (id > after's), then the days after it. Neither
   * `(visit_date, id) > (?, ?)` nor its OR form is one: SQLite seeks to
   * the day and then steps over that day's earlier rows one by one.
   */
  async #keysetPage(redemptions: Redemptions, after: { date: string; id: number } | null) {
    const page = (narrow: (query: DatabaseQueryBuilderContract) => unknown, size: number) => {
      const query = redemptions().select(...REDEMPTION_COLUMNS)
      narrow(query)
      return query.orderBy('r.visit_date').orderBy('r.id').limit(size)
    }
    if (!after) return page(() => {}, this.pageSize)
    const { date, id } = after
    const sameDay = await page(
      (query) => query.where('r.visit_date', date).where('r.id', '>', id),
      this.pageSize
    )
    if (sameDay.length === this.pageSize) return sameDay
    const later = await page(
      (query) => query.where('r.visit_date', '>', date),
      this.pageSize - sameDay.length
    )
    return [...sameDay, ...later]
  }

  /** The lots each redemption was paid from (a visit may span lots), in debit order */
  async #lotsOf(redemptionIds: number[]) {
    const entries = await db
      .from('ledger_entries as e')
      .join('ledger_lots as l', 'l.id', 'e.lot_id')
      // Driven by the redemption_id index: the ids are this municipality's
      // redemptions (and each entry's municipality is checked below).
      .whereIn('e.redemption_id', redemptionIds)
      .where('e.kind', 'reserve')
      .select(
        'e.redemption_id',
        'e.municipality_id',
        'e.minutes',
        'l.definition_version',
        'l.copayment_tier'
      )
      .orderBy('e.id')
    const byRedemption = new Map<number, Spent[]>()
    for (const entry of entries) {
      if (Number(entry.municipality_id) !== this.municipalityId) continue
      const id = Number(entry.redemption_id)
      const list = byRedemption.get(id) ?? []
      list.push({
        version: entry.definition_version,
        tier: entry.copayment_tier ?? null,
        minutes: Number(entry.minutes),
      })
      byRedemption.set(id, list)
    }
    return byRedemption
  }
}
