import { createWriteStream } from 'node:fs'
import { pipeline } from 'node:stream/promises'
import app from '@adonisjs/core/services/app'
import db from '@adonisjs/lucid/services/db'
import type { I18n } from '@adonisjs/i18n'
import type {
  DatabaseQueryBuilderContract,
  RawQueryBindings,
} from '@adonisjs/lucid/types/querybuilder'
import { csvChunks, type CsvEncoding } from '#csv/csv_export'
import type { CsvExportField } from '#csv/csv_fields'
import Copayment from '#ledger/copayment'
import { VISIT_COLUMNS, type VisitResident, visitResident } from '#visits/visit_residents'
import type {
  CsvSpec,
  LocalizedText,
  PluginManifest,
  ProgramManifest,
} from '#plugin_host/define_plugin'

/**
 * What staff can export:
 * - facility_month: 施設別利用実績, one row per approved (posted) visit of a
 *   month, grouped by facility, then by day;
 * - facility_month_totals: the same visits summed per facility, program and
 *   service (a second file, so the detail file stays one row per visit for
 *   Excel filters and pivots, and both come from the same rows);
 * - resident_history: every grant and every redemption of one resident,
 *   all programs;
 * - plugin: a plugin's declared format (csv.export in its manifest) for a
 *   month, approved and cancelled visits of its programs.
 */
export type ExportRequest =
  | { format: 'facility_month'; month: string; facilityId?: number | null }
  | { format: 'facility_month_totals'; month: string; facilityId?: number | null }
  | { format: 'resident_history'; residentId: number }
  | {
      format: 'plugin'
      pluginId: string
      specKey: string
      month: string
      /** Only the provider console narrows a plugin format to one facility */
      facilityId?: number | null
    }

/**
 * Whose rows an export may contain: a municipality's staff export every
 * visit; the provider console exports its own provider's visits only.
 */
export type ExportScope = { providerId?: number }

export type ExportOptions = {
  /** Rows read from the database per query (tests make it small to cross pages) */
  pageSize?: number
}

export type ExportTable = {
  header: string[]
  /** How many rows the export reads (for the progress bar) */
  count: () => Promise<number>
  /** The file's rows a page at a time; `onRead` hears how many rows each page read */
  rows: (onRead: (read: number) => void) => AsyncIterable<unknown[][]>
}

/** A redemption with what an export shows of it, its lots' versions and co-payment */
type RedemptionRow = VisitResident & {
  id: number
  pluginId: string
  programCode: string
  /** Its program as the plugin declares it (undefined when no plugin does) */
  program: ProgramManifest | undefined
  service: string
  visitDate: string
  visitStart: string | null
  minutes: number
  status: string
  residentNameKana: string
  providerName: string | null
  facilityId: number | null
  facilityName: string | null
  definitionVersions: string[]
  copaymentTiers: string[]
  /** Null when the program has no co-payment or the lots no tier */
  copaymentYen: number | null
}

type RedemptionFilter = {
  statuses: string[]
  month?: string
  /** undefined: every facility; null: visits without a facility */
  facilityId?: number | null
  residentId?: number
  pluginId?: string
}

/**
 * Rows read from the database per query: a few hundred round trips for a
 * million rows, and memory stays flat however many there are.
 */
const PAGE_SIZE = 5000

/** What the exports show of a resident: their ID (利用者ID), name and kana */
const RESIDENT_NAME_COLUMNS = [
  'resident_number',
  'family_name',
  'given_name',
  'family_name_kana',
  'given_name_kana',
] as const

const FACILITY_MONTH_STATUSES = ['posted']
const PLUGIN_STATUSES = ['posted', 'cancelled']

/** 2026-11 → ['2026-11-01', '2026-12-01'] (visit dates are YYYY-MM-DD text) */
export function monthRange(month: string): [string, string] {
  const [year, monthNumber] = month.split('-').map(Number)
  const next = monthNumber === 12 ? [year + 1, 1] : [year, monthNumber + 1]
  const pad = (value: number) => String(value).padStart(2, '0')
  return [`${year}-${pad(monthNumber)}-01`, `${next[0]}-${pad(next[1])}-01`]
}

/** Minutes as hours for a spreadsheet: 90 → 1.5 */
const hours = (minutes: number) => Math.round((minutes / 60) * 100) / 100

/**
 * Builds the usage exports of one municipality, in one language (headers,
 * service and status names), reading redemptions with keyset pagination
 * (visit date, id) a page at a time, and writes them as CSV files.
 * Every query is scoped by the municipality; with a provider scope (the
 * provider console), redemptions are that provider's only.
 */
export default class UsageExports {
  readonly #locale: 'ja' | 'en'
  readonly #pageSize: number
  readonly #postgres = db.connection().dialect.name === 'postgres'
  #plugins?: Map<string, PluginManifest>
  /** Programs by plugin and code, looked up once per export, not per row */
  #programs?: Map<string, ProgramManifest>
  /** Translations of status names and the like, once per export */
  readonly #labels = new Map<string, string>()
  /** The residents and places of the rows read so far, by id (see #lookUpNames) */
  readonly #residents = new Map<number, VisitResident & { residentNameKana: string }>()
  readonly #providerNames = new Map<number, string | null>()
  readonly #facilityNames = new Map<number, string | null>()

  constructor(
    private readonly municipalityId: number,
    private readonly i18n: I18n,
    private readonly scope: ExportScope = {},
    options: ExportOptions = {}
  ) {
    this.#locale = i18n.locale === 'en' ? 'en' : 'ja'
    this.#pageSize = options.pageSize ?? PAGE_SIZE
  }

  async table(request: ExportRequest): Promise<ExportTable> {
    switch (request.format) {
      case 'facility_month':
        return this.facilityMonth(request.month, request.facilityId)
      case 'facility_month_totals':
        return this.facilityMonthTotals(request.month, request.facilityId)
      case 'resident_history':
        return this.residentHistory(request.residentId)
      case 'plugin':
        return this.pluginFormat(
          request.pluginId,
          request.specKey,
          request.month,
          request.facilityId
        )
    }
  }

  /**
   * Writes the export as a CSV file (RFC 4180, cells neutralized, UTF-8
   * with BOM or CP932), streaming a page at a time (the file's pace holds
   * the reading back); `onProgress` hears how many rows are done. Returns
   * the row count.
   */
  async write(
    request: ExportRequest,
    encoding: CsvEncoding,
    path: string,
    onProgress: (done: number, total: number) => void = () => {}
  ) {
    const table = await this.table(request)
    const total = await table.count()
    let done = 0
    onProgress(0, total)
    const pages = table.rows((read) => {
      done += read
      onProgress(done, Math.max(total, done))
    })
    await pipeline(
      csvChunks(table.header, pages, encoding),
      createWriteStream(path, { mode: 0o600 })
    )
    onProgress(done, Math.max(total, done))
    return { rows: done }
  }

  facilityMonth(month: string, facilityId?: number | null): ExportTable {
    const monthRows = this.#month({ statuses: FACILITY_MONTH_STATUSES, month, facilityId })
    return {
      header: [
        'facility',
        'provider',
        'visit_date',
        'visit_start',
        'resident_number',
        'resident_name',
        'program',
        'service',
        'hours',
        'definition_version',
        'copayment_tier',
        'copayment_yen',
        'redemption_id',
      ].map((key) => this.#column(key)),
      count: monthRows.count,
      rows: (onRead) => this.#facilityRows(monthRows.pages(), onRead),
    }
  }

  facilityMonthTotals(month: string, facilityId?: number | null): ExportTable {
    const monthRows = this.#month({ statuses: FACILITY_MONTH_STATUSES, month, facilityId })
    const exports = this
    return {
      header: [
        'facility',
        'provider',
        'program',
        'service',
        'visits',
        'hours',
        'copayment_yen',
      ].map((key) => this.#column(key)),
      count: monthRows.count,
      rows: (onRead) =>
        (async function* () {
          // Summed from the detail rows, so both files always agree.
          type Total = { cells: string[]; visits: number; minutes: number; yen: number | null }
          const totals = new Map<string, Total>()
          for await (const page of monthRows.pages()) {
            onRead(page.length)
            for (const row of page) {
              const program = row.program
              const key = [
                row.facilityId,
                row.providerName,
                row.pluginId,
                row.programCode,
                row.service,
              ].join('\u0000')
              const total = totals.get(key) ?? {
                cells: [
                  row.facilityName ?? '',
                  row.providerName ?? '',
                  exports.#text(program?.name, row.programCode),
                  exports.#serviceName(program, row.service),
                ],
                visits: 0,
                minutes: 0,
                yen: program?.copayment ? 0 : null,
              }
              total.visits++
              total.minutes += row.minutes
              if (total.yen !== null) total.yen += row.copaymentYen ?? 0
              totals.set(key, total)
            }
          }
          yield [...totals.values()].map((total) => [
            ...total.cells,
            total.visits,
            hours(total.minutes),
            total.yen,
          ])
        })(),
    }
  }

  residentHistory(residentId: number): ExportTable {
    const filter: RedemptionFilter = {
      statuses: ['reserved', 'posted', 'released', 'cancelled'],
      residentId,
    }
    const exports = this
    const lots = () =>
      db
        .from('ledger_lots')
        .where('municipality_id', this.municipalityId)
        .where('resident_id', residentId)
    return {
      header: [
        'entry_kind',
        'resident_number',
        'resident_name',
        'program',
        'service',
        'date',
        'visit_start',
        'valid_to',
        'hours',
        'hours_left',
        'status',
        'provider',
        'facility',
        'definition_version',
        'copayment_tier',
        'copayment_yen',
        'entry_id',
      ].map((key) => this.#column(key)),
      count: async () => {
        const granted = await lots().count('* as total').first()
        return Number(granted?.total ?? 0) + (await this.#count(filter))
      },
      rows: (onRead) =>
        (async function* () {
          const resident = await db
            .from('residents')
            .where('municipality_id', exports.municipalityId)
            .where('id', residentId)
            .first()
          if (!resident) return
          const name = `${resident.family_name} ${resident.given_name}`
          const programs = await exports.#programIndex()
          let afterId = 0
          for (;;) {
            const batch = await lots()
              .where('id', '>', afterId)
              .orderBy('id')
              .limit(exports.#pageSize)
            onRead(batch.length)
            yield batch.map((lot) => {
              const program = programs.get(programKey(lot.plugin_id, lot.program_code))
              const services = JSON.parse(lot.services) as string[]
              return [
                exports.#label('staff_csv.entry_kinds.grant'),
                resident.resident_number,
                name,
                exports.#text(program?.name, lot.program_code),
                services.map((service) => exports.#serviceName(program, service)).join('・'),
                lot.valid_from,
                null,
                lot.valid_to,
                hours(Number(lot.granted_minutes)),
                hours(Number(lot.available_minutes)),
                exports.#label(`staff_csv.lot_statuses.${lot.status}`),
                null,
                null,
                lot.definition_version,
                lot.copayment_tier,
                null,
                `G${lot.id}`,
              ]
            })
            if (batch.length < exports.#pageSize) break
            afterId = Number(batch[batch.length - 1].id)
          }
          for await (const page of exports.#pages(filter, false)) {
            onRead(page.length)
            yield page.map((row) => [
              exports.#label('staff_csv.entry_kinds.redemption'),
              row.residentNumber,
              row.residentName,
              exports.#text(row.program?.name, row.programCode),
              exports.#serviceName(row.program, row.service),
              row.visitDate,
              row.visitStart,
              null,
              hours(row.minutes),
              null,
              exports.#label(`staff_csv.statuses.${row.status}`),
              row.providerName,
              row.facilityName,
              row.definitionVersions.join(' / '),
              row.copaymentTiers.join(' / ') || null,
              row.status === 'posted' ? row.copaymentYen : null,
              `R${row.id}`,
            ])
          }
        })(),
    }
  }

  /** The plugin's declared columns, filled from the core's field catalogue */
  async pluginFormat(
    pluginId: string,
    specKey: string,
    month: string,
    facilityId?: number | null
  ): Promise<ExportTable> {
    const spec = await this.pluginSpec(pluginId, specKey)
    if (!spec) throw new Error(`No CSV export "${specKey}" in plugin "${pluginId}"`)
    const monthRows = this.#month({ statuses: PLUGIN_STATUSES, month, pluginId, facilityId })
    const exports = this
    const fields = spec.columns.map((column) => column.field as CsvExportField)
    return {
      header: spec.columns.map((column) => column.header[this.#locale]),
      count: monthRows.count,
      rows: (onRead) =>
        (async function* () {
          for await (const page of monthRows.pages()) {
            onRead(page.length)
            yield page.map((row) => fields.map((field) => exports.#field(field, row)))
          }
        })(),
    }
  }

  async pluginSpec(pluginId: string, specKey: string): Promise<CsvSpec | undefined> {
    const plugins = await this.#pluginMap()
    const plugin = plugins.get(pluginId)
    return plugin?.csv?.export?.find((spec) => spec.key === specKey)
  }

  /**
   * The file's name as staff see it (施設別利用実績_131032_2026-11.csv in
   * Japanese) and an ASCII fallback for old clients.
   */
  async fileNames(request: ExportRequest, municipalityCode: string, residentNumber?: string) {
    const ja = this.#locale === 'ja'
    let title: string
    let ascii: string
    let suffix: string
    switch (request.format) {
      case 'facility_month':
      case 'facility_month_totals':
        title = this.i18n.t(`staff_csv.file_names.${request.format}`)
        ascii = request.format === 'facility_month' ? 'facility_usage' : 'facility_usage_totals'
        suffix = request.month
        break
      case 'resident_history':
        title = this.i18n.t('staff_csv.file_names.resident_history')
        ascii = 'resident_history'
        suffix = residentNumber ?? String(request.residentId)
        break
      case 'plugin': {
        const spec = await this.pluginSpec(request.pluginId, request.specKey)
        title = spec ? spec.name[this.#locale] : request.specKey
        ascii = `${request.pluginId}_${request.specKey}`
        suffix = request.month
        break
      }
    }
    const safe = (text: string) => text.replace(/[\\/:*?"<>|\s]+/g, '_')
    const name = `${safe(ja ? title : ascii)}_${municipalityCode}_${safe(suffix)}.csv`
    const asciiName = `${ascii}_${municipalityCode}_${safe(suffix)}.csv`.replace(/[^\w.-]/g, '_')
    return { name, asciiName }
  }

  #field(field: CsvExportField, row: RedemptionRow) {
    const program = row.program
    switch (field) {
      case 'redemption_id':
        return row.id
      case 'visit_date':
        return row.visitDate
      case 'visit_start':
        return row.visitStart
      case 'resident_number':
        return row.residentNumber
      case 'resident_name':
        return row.residentName
      case 'resident_name_kana':
        return row.residentNameKana
      case 'service_code':
        return row.service
      case 'service_name':
        return this.#serviceName(program, row.service)
      case 'minutes':
        return row.minutes
      case 'units':
        return program ? row.minutes / program.unit.minutes : row.minutes
      case 'provider_name':
        return row.providerName
      case 'status':
        return this.#label(`staff_csv.statuses.${row.status}`)
      case 'definition_version':
        return row.definitionVersions.join(' / ')
      case 'copayment_tier':
        return row.copaymentTiers.join(' / ') || null
      case 'copayment_yen':
        // Owed for approved visits only; a cancelled visit owes nothing.
        return row.status === 'posted' ? row.copaymentYen : row.copaymentYen === null ? null : 0
    }
  }

  async *#facilityRows(pages: AsyncIterable<RedemptionRow[]>, onRead: (read: number) => void) {
    for await (const page of pages) {
      onRead(page.length)
      yield page.map((row) => {
        const program = row.program
        return [
          row.facilityName,
          row.providerName,
          row.visitDate,
          row.visitStart,
          row.residentNumber,
          row.residentName,
          this.#text(program?.name, row.programCode),
          this.#serviceName(program, row.service),
          hours(row.minutes),
          row.definitionVersions.join(' / '),
          row.copaymentTiers.join(' / ') || null,
          row.copaymentYen,
          row.id,
        ]
      })
    }
  }

  /**
   * The month's visits facility by facility (those without a facility
   * last), and in each facility by (visit date, id), a page at a time;
   * `count` is their number. One grouped count gives both the total and
   * the facilities to walk.
   */
  #month(filter: RedemptionFilter) {
    let perFacility: Promise<Map<number | null, number>> | undefined
    const counted = () => (perFacility ??= this.#countPerFacility(filter))
    const exports = this
    return {
      count: async () => {
        const counts = await counted()
        return [...counts.values()].reduce((sum, n) => sum + n, 0)
      },
      pages: async function* () {
        if (exports.#postgres) {
          yield* exports.#pages(filter, true)
          return
        }
        const counts = await counted()
        const found = [...counts.keys()]
        const facilities = [
          ...found.filter((id): id is number => id !== null).sort((a, b) => a - b),
          ...found.filter((id) => id === null),
        ]
        for (const facilityId of facilities) {
          yield* exports.#pages({ ...filter, facilityId }, false)
        }
      },
    }
  }

  async #countPerFacility(filter: RedemptionFilter) {
    const rows = await this.#filtered(filter)
      .groupBy('r.facility_id')
      .select('r.facility_id')
      .count('* as total')
    return new Map(
      rows.map((row) => [
        row.facility_id === null ? null : Number(row.facility_id),
        Number(row.total),
      ])
    )
  }

  #filtered(filter: RedemptionFilter) {
    const query = db
      .from('ledger_redemptions as r')
      .where('r.municipality_id', this.municipalityId)
      .whereIn('r.status', filter.statuses)
      // A reservation whose hours the provider corrected lives on as its replacement
      .whereNull('r.replaced_by_redemption_id')
    if (filter.month) {
      const [from, to] = monthRange(filter.month)
      query.where('r.visit_date', '>=', from).where('r.visit_date', '<', to)
    }
    if (filter.facilityId === null) query.whereNull('r.facility_id')
    else if (filter.facilityId !== undefined) query.where('r.facility_id', filter.facilityId)
    if (filter.residentId !== undefined) query.where('r.resident_id', filter.residentId)
    if (filter.pluginId !== undefined) query.where('r.plugin_id', filter.pluginId)
    if (this.scope.providerId !== undefined) query.where('r.provider_id', this.scope.providerId)
    return query
  }

  async #count(filter: RedemptionFilter) {
    const counted = await this.#filtered(filter).count('* as total').first()
    return Number(counted?.total ?? 0)
  }

  /**
   * The filter's redemptions a page at a time, by (visit date, id), after
   * their facility (ascending, visits without one last) when `byFacility`.
   * - PostgreSQL: one query, read through a cursor, with the lots each
   *   visit was paid from joined in. Planned for all its rows, it is the
   *   plan of a COPY of the same join (scans, hash joins and one sort)
   *   rather than an index walk that visits a heap page per row.
   * - SQLite (one facility at a time, or no facility order): keyset
   *   pagination, so the millionth row costs what the first did: with a
   *   facility and a month, each page is one seek on the index
   *   (municipality, facility, visit date, id), then the page's lots.
   */
  #pages(filter: RedemptionFilter, byFacility: boolean): AsyncGenerator<RedemptionRow[]> {
    return this.#postgres ? this.#cursorPages(filter, byFacility) : this.#keysetPages(filter)
  }

  /**
   * What every page reads of a redemption: its own columns only. Its
   * resident's and places' names are looked up once per export
   * (#lookUpNames), not joined to every row: a month has far fewer
   * residents than visits, and each joined name was a column to sort,
   * send and decode a million times.
   */
  #redemptionQuery(filter: RedemptionFilter) {
    return this.#filtered(filter).select(
      ...VISIT_COLUMNS,
      'r.resident_id',
      'r.provider_id',
      'r.facility_id'
    )
  }

  /** Reads the names of the residents and places of `rows` not read yet */
  async #lookUpNames(rows: Record<string, any>[]) {
    const residents = new Set<number>()
    const providers = new Set<number>()
    const facilities = new Set<number>()
    for (const row of rows) {
      if (!this.#residents.has(row.resident_id)) residents.add(row.resident_id)
      if (row.provider_id !== null && !this.#providerNames.has(row.provider_id)) {
        providers.add(row.provider_id)
      }
      if (row.facility_id !== null && !this.#facilityNames.has(row.facility_id)) {
        facilities.add(row.facility_id)
      }
    }
    if (residents.size > 0) {
      const found = await db
        .from('residents')
        // A visit's resident is of its municipality (what the usage screens join on)
        .where('municipality_id', this.municipalityId)
        .whereIn('id', [...residents])
        .select('id', ...RESIDENT_NAME_COLUMNS)
      for (const resident of found) {
        this.#residents.set(Number(resident.id), {
          ...visitResident({ ...resident, resident_id: resident.id }),
          residentNameKana: `${resident.family_name_kana} ${resident.given_name_kana}`,
        })
      }
    }
    const column = this.#locale === 'en' ? 'name_en' : 'name_ja'
    for (const [table, ids, names] of [
      ['providers', providers, this.#providerNames],
      ['facilities', facilities, this.#facilityNames],
    ] as const) {
      if (ids.size === 0) continue
      const found = await db
        .from(table)
        .whereIn('id', [...ids])
        .select('id', column)
      for (const place of found) names.set(Number(place.id), place[column] ?? null)
    }
  }

  async *#cursorPages(
    filter: RedemptionFilter,
    byFacility: boolean
  ): AsyncGenerator<RedemptionRow[]> {
    const programs = await this.#programIndex()
    const query = this.#redemptionQuery(filter)
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
    const { sql, bindings } = query.toSQL()
    const trx = await db.transaction()
    try {
      // A cursor is planned for its first tenth by default; this one is read to the end.
      await trx.rawQuery('SET LOCAL cursor_tuple_fraction = 1')
      // JIT compiling the plan took about a second, more than it saved on these scans
      await trx.rawQuery('SET LOCAL jit = off')
      await trx.rawQuery(
        `DECLARE usage_export NO SCROLL CURSOR FOR ${sql}`,
        bindings as RawQueryBindings
      )
      let visit: { row: Record<string, any>; spent: Spent[] } | null = null
      for (;;) {
        const { rows } = await trx.rawQuery(`FETCH ${this.#pageSize} FROM usage_export`)
        await this.#lookUpNames(rows)
        const page: RedemptionRow[] = []
        const add = (done: { row: Record<string, any>; spent: Spent[] }) => {
          const redemption = this.#redemption(done.row, done.spent, programs)
          if (redemption) page.push(redemption)
        }
        for (const row of rows as Record<string, any>[]) {
          if (visit === null || visit.row.id !== row.id) {
            if (visit) add(visit)
            visit = { row, spent: [] }
          }
          if (row.spent_minutes !== null) visit.spent.push(spentOf(row))
        }
        const last = rows.length < this.#pageSize
        if (last && visit) add(visit)
        if (page.length > 0) yield page
        if (last) return
      }
    } finally {
      await trx.rollback()
    }
  }

  async *#keysetPages(filter: RedemptionFilter): AsyncGenerator<RedemptionRow[]> {
    const programs = await this.#programIndex()
    let after: { date: string; id: number } | null = null
    for (;;) {
      const batch = await this.#keysetPage(filter, after)
      if (batch.length === 0) return
      const lots = await this.#lotsOf(batch.map((row) => Number(row.id)))
      await this.#lookUpNames(batch)
      const page: RedemptionRow[] = []
      for (const row of batch) {
        const redemption = this.#redemption(row, lots.get(Number(row.id)) ?? [], programs)
        if (redemption) page.push(redemption)
      }
      if (page.length > 0) yield page
      if (batch.length < this.#pageSize) return
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
  async #keysetPage(filter: RedemptionFilter, after: { date: string; id: number } | null) {
    const page = (narrow: (query: DatabaseQueryBuilderContract) => unknown, size: number) => {
      const query = this.#redemptionQuery(filter)
      narrow(query)
      return query.orderBy('r.visit_date').orderBy('r.id').limit(size)
    }
    if (!after) return page(() => {}, this.#pageSize)
    const { date, id } = after
    const sameDay = await page(
      (query) => query.where('r.visit_date', date).where('r.id', '>', id),
      this.#pageSize
    )
    if (sameDay.length === this.#pageSize) return sameDay
    const later = await page(
      (query) => query.where('r.visit_date', '>', date),
      this.#pageSize - sameDay.length
    )
    return [...sameDay, ...later]
  }

  /**
   * A row of #redemptionQuery and the lots it was paid from, as the exports
   * show it; null when its resident is not of this municipality.
   */
  #redemption(
    row: Record<string, any>,
    spent: Spent[],
    programs: Map<string, ProgramManifest>
  ): RedemptionRow | null {
    const resident = this.#residents.get(row.resident_id)
    if (!resident) return null
    const program = programs.get(programKey(row.plugin_id, row.program_code))
    const yen = spent.map((lot) =>
      program ? Copayment.yenFor(program, lot.tier, lot.minutes) : null
    )
    return {
      id: Number(row.id),
      pluginId: row.plugin_id,
      programCode: row.program_code,
      program,
      service: row.service,
      visitDate: row.visit_date,
      visitStart: row.visit_start,
      minutes: Number(row.minutes),
      status: row.status,
      ...resident,
      providerName: row.provider_id === null ? null : this.#providerNames.get(row.provider_id)!,
      facilityId: row.facility_id,
      facilityName: row.facility_id === null ? null : this.#facilityNames.get(row.facility_id)!,
      definitionVersions:
        spent.length === 1 ? [spent[0].version] : [...new Set(spent.map((lot) => lot.version))],
      copaymentTiers: [...new Set(spent.flatMap((lot) => (lot.tier ? [lot.tier] : [])))],
      copaymentYen: yen.some((value) => value !== null)
        ? yen.reduce<number>((sum, value) => sum + (value ?? 0), 0)
        : null,
    }
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
      list.push(spentOf({ ...entry, spent_minutes: entry.minutes }))
      byRedemption.set(id, list)
    }
    return byRedemption
  }

  async #pluginMap() {
    if (!this.#plugins) {
      const host = await app.container.make('plugins')
      this.#plugins = new Map(host.plugins.map((plugin) => [plugin.id, plugin]))
    }
    return this.#plugins
  }

  async #programIndex() {
    if (!this.#programs) {
      const plugins = await this.#pluginMap()
      this.#programs = new Map()
      for (const plugin of plugins.values()) {
        for (const program of plugin.programs ?? []) {
          const key = programKey(plugin.id, program.code)
          if (!this.#programs.has(key)) this.#programs.set(key, program)
        }
      }
    }
    return this.#programs
  }

  #label(key: string) {
    let label = this.#labels.get(key)
    if (label === undefined) {
      label = this.i18n.t(key)
      this.#labels.set(key, label)
    }
    return label
  }

  #serviceName(program: ProgramManifest | undefined, service: string) {
    const found = program?.services.find((candidate) => candidate.code === service)
    return found ? found.name[this.#locale] : service
  }

  #text(text: LocalizedText | undefined, fallback: string) {
    return text ? text[this.#locale] : fallback
  }

  #column(key: string) {
    return this.i18n.t(`staff_csv.columns.${key}`)
  }
}

/** What a visit took from one lot */
type Spent = { version: string; tier: string | null; minutes: number }

function spentOf(row: Record<string, any>): Spent {
  return {
    version: row.definition_version,
    tier: row.copayment_tier ?? null,
    minutes: Number(row.spent_minutes),
  }
}

function programKey(pluginId: string, programCode: string) {
  return `${pluginId}\u0000${programCode}`
}
