import { createWriteStream } from 'node:fs'
import { pipeline } from 'node:stream/promises'
import app from '@adonisjs/core/services/app'
import db from '@adonisjs/lucid/services/db'
import type { I18n } from '@adonisjs/i18n'
import { eraDate, type DateStyle } from '#shared/era_dates'
import {
  csvCell,
  csvChunks,
  csvTextChunks,
  emptyEncodingReport,
  type CsvEncoding,
} from '#csv/csv_export'
import type { CsvExportField } from '#csv/csv_fields'
import Copayment from '#ledger/copayment'
import { type VisitResident, visitResident } from '#visits/visit_residents'
import ExportVisits, { type Spent, type Visit } from '#usage/export_visits'
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
  /** How the municipality writes dates: 和暦 turns a Japanese file's dates to 令和8年4月1日 */
  dateStyle?: DateStyle
}

export type ExportTable = {
  header: string[]
  /** How many rows the export reads (for the progress bar) */
  count: () => Promise<number>
} & (
  | {
      /** The file's rows a page at a time; `onRead` hears how many rows each page read */
      rows: (onRead: (read: number) => void) => AsyncIterable<unknown[][]>
    }
  | {
      /** The file's records already written as CSV text (csvTextChunks), a page at a time */
      records: (onRead: (read: number) => void) => AsyncIterable<string>
    }
)

/** A redemption with what an export shows of it, its lots' versions and co-payment */
type RedemptionRow = Visit &
  VisitResident & {
    /** Its program as the plugin declares it (undefined when no plugin does) */
    program: ProgramManifest | undefined
    residentNameKana: string
    providerName: string | null
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
 * Rows read from the database per query (SQLite) and visits per page at
 * most: a few hundred round trips for a million rows, and memory stays
 * flat however many there are.
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
  readonly #visits: ExportVisits
  readonly #postgres = db.connection().dialect.name === 'postgres'
  #plugins?: Map<string, PluginManifest>
  /** Programs by plugin and code, looked up once per export, not per row */
  #programs?: Map<string, ProgramManifest>
  /** Translations of status names and the like, once per export */
  readonly #labels = new Map<string, string>()
  /** The residents and places of the export's visits, by id (see #loadNames) */
  readonly #residents = new Map<number, VisitResident & { residentNameKana: string }>()
  readonly #providerNames = new Map<number, string | null>()
  readonly #facilityNames = new Map<number, string | null>()

  readonly #inEra: boolean

  /** A calendar day as the municipality writes dates (YYYY-MM-DD, or 和暦) */
  #day(value: string): string
  #day(value: string | null): string | null
  #day(value: string | null) {
    return this.#inEra && value !== null ? eraDate(value) : value
  }

  constructor(
    private readonly municipalityId: number,
    private readonly i18n: I18n,
    private readonly scope: ExportScope = {},
    options: ExportOptions = {}
  ) {
    this.#locale = i18n.locale === 'en' ? 'en' : 'ja'
    this.#inEra = options.dateStyle === 'japanese_era' && this.#locale === 'ja'
    this.#pageSize = options.pageSize ?? PAGE_SIZE
    this.#visits = new ExportVisits(municipalityId, this.#pageSize)
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
   * the row count, and what a CP932 file could not hold (characters
   * written as "?", and their lines).
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
    const onRead = (read: number) => {
      done += read
      onProgress(done, Math.max(total, done))
    }
    const encodingReport = emptyEncodingReport()
    await pipeline(
      'records' in table
        ? csvTextChunks(table.header, table.records(onRead), encoding, encodingReport)
        : csvChunks(table.header, table.rows(onRead), encoding, encodingReport),
      createWriteStream(path, { mode: 0o600 })
    )
    onProgress(done, Math.max(total, done))
    return { rows: done, encodingReport }
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
      records: (onRead) => this.#facilityRecords(monthRows.visits(), onRead),
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
                exports.#day(lot.valid_from),
                null,
                exports.#day(lot.valid_to),
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
          await exports.#loadNames(await exports.#visitGroups(filter))
          const pages = exports.#visits.pages(() => exports.#filtered(filter), false)
          for await (const visits of pages) {
            const page = exports.#redemptions(visits, programs)
            onRead(page.length)
            yield page.map((row) => [
              exports.#label('staff_csv.entry_kinds.redemption'),
              row.residentNumber,
              row.residentName,
              exports.#text(row.program?.name, row.programCode),
              exports.#serviceName(row.program, row.service),
              exports.#day(row.visitDate),
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
        return this.#day(row.visitDate)
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

  /**
   * The month's visits as facility_month's CSV records, in one pass. Most
   * cells repeat from row to row (a month has far fewer residents, places,
   * programs, days and lengths than visits), so each distinct cell's text
   * (csvCell, as csvChunks writes it) is written once and reused.
   */
  async *#facilityRecords(pages: AsyncIterable<Visit[]>, onRead: (read: number) => void) {
    const programs = await this.#programIndex()
    const places = new Map<string, string>()
    const days = new Map<string, string>()
    const starts = new Map<string | null, string>()
    const residents = new Map<number, string>()
    const offers = new Map<string, VisitOffer>()
    const lengths = new Map<number, string>()
    for await (const page of pages) {
      let records = ''
      let read = 0
      for (const visit of page) {
        let resident = residents.get(visit.residentId)
        if (resident === undefined) {
          const found = this.#residents.get(visit.residentId)
          // Not of this municipality: no row (as #redemption)
          if (!found) continue
          resident = `${csvCell(found.residentNumber)},${csvCell(found.residentName)}`
          residents.set(visit.residentId, resident)
        }
        const placeKey = `${visit.facilityId}/${visit.providerId}`
        let place = places.get(placeKey)
        if (place === undefined) {
          place = `${csvCell(this.#facilityName(visit.facilityId))},${csvCell(this.#providerName(visit.providerId))}`
          places.set(placeKey, place)
        }
        let day = days.get(visit.visitDate)
        if (day === undefined) {
          day = csvCell(this.#day(visit.visitDate))
          days.set(visit.visitDate, day)
        }
        let start = starts.get(visit.visitStart)
        if (start === undefined) {
          start = csvCell(visit.visitStart)
          starts.set(visit.visitStart, start)
        }
        const offerKey = `${visit.pluginId}\u0000${visit.programCode}\u0000${visit.service}`
        let offer = offers.get(offerKey)
        if (offer === undefined) {
          const program = programs.get(programKey(visit.pluginId, visit.programCode))
          offer = {
            program,
            text: `${csvCell(this.#text(program?.name, visit.programCode))},${csvCell(this.#serviceName(program, visit.service))}`,
            lots: new Map(),
          }
          offers.set(offerKey, offer)
        }
        let length = lengths.get(visit.minutes)
        if (length === undefined) {
          length = csvCell(hours(visit.minutes))
          lengths.set(visit.minutes, length)
        }
        records += `${place},${day},${start},${resident},${offer.text},${length},${lotCells(offer, visit.spent)},${visit.id}\r\n`
        read++
      }
      onRead(read)
      if (records) yield records
    }
  }

  /**
   * The month's visits facility by facility (those without a facility
   * last), and in each facility by (visit date, id), a page at a time;
   * `count` is their number. One grouped count gives the total, the
   * facilities to walk and the residents and places to name.
   */
  #month(filter: RedemptionFilter) {
    let grouped: Promise<VisitGroup[]> | undefined
    const groups = () => (grouped ??= this.#visitGroups(filter))
    const exports = this
    return {
      count: async () => {
        const found = await groups()
        return found.reduce((sum, group) => sum + group.visits, 0)
      },
      visits: async function* (): AsyncGenerator<Visit[]> {
        const found = await groups()
        await exports.#loadNames(found)
        if (exports.#postgres) {
          yield* exports.#visits.pages(() => exports.#filtered(filter), true)
          return
        }
        const ids = new Set(found.map((group) => group.facilityId))
        const facilities = [
          ...[...ids].filter((id): id is number => id !== null).sort((a, b) => a - b),
          ...(ids.has(null) ? [null] : []),
        ]
        for (const facilityId of facilities) {
          yield* exports.#visits.pages(() => exports.#filtered({ ...filter, facilityId }), false)
        }
      },
      pages: async function* (): AsyncGenerator<RedemptionRow[]> {
        const programs = await exports.#programIndex()
        for await (const visits of this.visits()) {
          yield exports.#redemptions(visits, programs)
        }
      },
    }
  }

  /** The filter's visits counted per facility, provider and resident (one grouped scan) */
  async #visitGroups(filter: RedemptionFilter): Promise<VisitGroup[]> {
    const rows = await this.#filtered(filter)
      .groupBy('r.facility_id', 'r.provider_id', 'r.resident_id')
      .select('r.facility_id', 'r.provider_id', 'r.resident_id')
      .count('* as total')
    return rows.map((row) => ({
      facilityId: row.facility_id === null ? null : Number(row.facility_id),
      providerId: row.provider_id === null ? null : Number(row.provider_id),
      residentId: Number(row.resident_id),
      visits: Number(row.total),
    }))
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
   * Reads the names of the residents and places of the visits, once per
   * export, before their rows: a month has far fewer residents than
   * visits, and each joined name was a column to sort, send and decode a
   * million times. Read beforehand rather than page by page, as
   * PostgreSQL's rows come through a COPY that holds its connection.
   */
  async #loadNames(groups: VisitGroup[]) {
    const ids = (of: (group: VisitGroup) => number | null) => [
      ...new Set(groups.map(of).filter((id): id is number => id !== null)),
    ]
    for (const batch of batches(ids((group) => group.residentId))) {
      const found = await db
        .from('residents')
        // A visit's resident is of its municipality (what the usage screens join on)
        .where('municipality_id', this.municipalityId)
        .whereIn('id', batch)
        .select('id', ...RESIDENT_NAME_COLUMNS)
      for (const resident of found) {
        this.#residents.set(Number(resident.id), {
          ...visitResident({ ...resident, resident_id: resident.id }),
          residentNameKana: `${resident.family_name_kana} ${resident.given_name_kana}`,
        })
      }
    }
    const column = this.#locale === 'en' ? 'name_en' : 'name_ja'
    for (const [table, placeIds, names] of [
      ['providers', ids((group) => group.providerId), this.#providerNames],
      ['facilities', ids((group) => group.facilityId), this.#facilityNames],
    ] as const) {
      for (const batch of batches(placeIds)) {
        const found = await db.from(table).whereIn('id', batch).select('id', column)
        for (const place of found) names.set(Number(place.id), place[column] ?? null)
      }
    }
  }

  #providerName(providerId: number | null) {
    return providerId === null ? null : this.#providerNames.get(providerId)
  }

  #facilityName(facilityId: number | null) {
    return facilityId === null ? null : this.#facilityNames.get(facilityId)
  }

  /** Visits as the exports show them: those whose resident is of this municipality */
  #redemptions(visits: Visit[], programs: Map<string, ProgramManifest>) {
    const rows: RedemptionRow[] = []
    for (const visit of visits) {
      const resident = this.#residents.get(visit.residentId)
      if (!resident) continue
      const program = programs.get(programKey(visit.pluginId, visit.programCode))
      rows.push({
        ...visit,
        program,
        ...resident,
        providerName: this.#providerName(visit.providerId) ?? null,
        facilityName: this.#facilityName(visit.facilityId) ?? null,
        ...lotFigures(program, visit.spent),
      })
    }
    return rows
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

/** Visits of one resident at one facility of one provider */
type VisitGroup = {
  facilityId: number | null
  providerId: number | null
  residentId: number
  visits: number
}

/** Ids looked up per query: under SQLite's limit of bound parameters */
const IDS_PER_QUERY = 5000

function batches(ids: number[]) {
  const found: number[][] = []
  for (let start = 0; start < ids.length; start += IDS_PER_QUERY) {
    found.push(ids.slice(start, start + IDS_PER_QUERY))
  }
  return found
}

/** A program's service as facility_month writes it, and the text of its lot cells by lot */
type VisitOffer = {
  program: ProgramManifest | undefined
  text: string
  lots: Map<string, string>
}

/** The 制度版, co-payment tiers and co-payment of a visit, from the lots it was paid from */
function lotFigures(program: ProgramManifest | undefined, spent: Spent[]) {
  const yen = spent.map((lot) =>
    program ? Copayment.yenFor(program, lot.tier, lot.minutes) : null
  )
  return {
    definitionVersions:
      spent.length === 1 ? [spent[0].version] : [...new Set(spent.map((lot) => lot.version))],
    copaymentTiers: [...new Set(spent.flatMap((lot) => (lot.tier ? [lot.tier] : [])))],
    copaymentYen: yen.some((value) => value !== null)
      ? yen.reduce<number>((sum, value) => sum + (value ?? 0), 0)
      : null,
  }
}

/**
 * facility_month's 制度版, tier and co-payment cells of a visit; those of a
 * visit paid from one lot (nearly all) written once per lot and length
 */
function lotCells(offer: VisitOffer, spent: Spent[]) {
  const cellsOf = () => {
    const figures = lotFigures(offer.program, spent)
    return [
      csvCell(figures.definitionVersions.join(' / ')),
      csvCell(figures.copaymentTiers.join(' / ') || null),
      csvCell(figures.copaymentYen),
    ].join(',')
  }
  if (spent.length > 1) return cellsOf()
  const key =
    spent.length === 0
      ? ''
      : `${spent[0].version}\u0000${spent[0].tier ?? '\u0001'}\u0000${spent[0].minutes}`
  let text = offer.lots.get(key)
  if (text === undefined) {
    text = cellsOf()
    offer.lots.set(key, text)
  }
  return text
}

function programKey(pluginId: string, programCode: string) {
  return `${pluginId}\u0000${programCode}`
}
