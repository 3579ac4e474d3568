import { DateTime } from 'luxon'
import db from '@adonisjs/lucid/services/db'
import type { DatabaseQueryBuilderContract } from '@adonisjs/lucid/types/querybuilder'
import { type VisitResident, visitResident } from '#visits/visit_residents'
import LedgerRollupRefresh from '#ledger/ledger_rollup_refresh'

export type UsageFilters = {
  /** The ward's resident ID (利用者ID), exactly */
  residentNumber?: string
  pluginId?: string
  programCode?: string
  service?: string
  /** YYYY-MM; null: every month */
  month: string | null
  facilityId?: number
  status?: 'reserved' | 'posted' | 'released' | 'cancelled'
}

export type UsageRow = VisitResident & {
  id: number
  visitDate: string
  visitStart: string | null
  pluginId: string
  programCode: string
  service: string
  minutes: number
  facilityId: number | null
  facilityNameJa: string | null
  facilityNameEn: string | null
  providerNameJa: string | null
  providerNameEn: string | null
  status: string
  reason: string | null
}

export const USAGE_PAGE_SIZE = 50

/** This month in Japan, YYYY-MM */
export function currentMonthInJapan() {
  return DateTime.now().setZone('Asia/Tokyo').toFormat('yyyy-MM')
}

/**
 * The municipality's redemptions (利用実績) for the staff usage screen: by
 * resident, program, service, month of the visit, facility and status,
 * newest visit first, with the minutes per status for the whole filter.
 */
export default class UsageSearch {
  constructor(
    private municipalityId: number,
    private filters: UsageFilters
  ) {}

  #query() {
    const { filters } = this
    const query = db
      .from('ledger_redemptions as r')
      .join('residents as res', 'res.id', 'r.resident_id')
      .where('r.municipality_id', this.municipalityId)
      // A reservation whose hours the provider corrected lives on as its replacement
      .whereNull('r.replaced_by_redemption_id')
    if (filters.residentNumber) query.where('res.resident_number', filters.residentNumber)
    this.#whereFilters(query, 'r.')
    if (filters.month) {
      const first = DateTime.fromFormat(filters.month, 'yyyy-MM', { zone: 'utc' })
      query
        .where('r.visit_date', '>=', first.toISODate()!)
        .where('r.visit_date', '<', first.plus({ months: 1 }).toISODate()!)
    }
    return query
  }

  async page(page: number) {
    const rows = await this.#query()
      .leftJoin('facilities as f', 'f.id', 'r.facility_id')
      .leftJoin('providers as p', 'p.id', 'r.provider_id')
      .orderBy('r.visit_date', 'desc')
      .orderBy('r.visit_start', 'desc')
      .orderBy('r.id', 'desc')
      .limit(USAGE_PAGE_SIZE)
      .offset((page - 1) * USAGE_PAGE_SIZE)
      .select(
        'r.id',
        'r.visit_date',
        'r.visit_start',
        'r.resident_id',
        'res.resident_number',
        'res.family_name',
        'res.given_name',
        'r.plugin_id',
        'r.program_code',
        'r.service',
        'r.minutes',
        'r.facility_id',
        'f.name_ja as facility_name_ja',
        'f.name_en as facility_name_en',
        'p.name_ja as provider_name_ja',
        'p.name_en as provider_name_en',
        'r.status',
        'r.reason'
      )
    return rows.map((row): UsageRow => ({
      id: Number(row.id),
      visitDate: row.visit_date,
      visitStart: row.visit_start,
      ...visitResident(row),
      pluginId: row.plugin_id,
      programCode: row.program_code,
      service: row.service,
      minutes: Number(row.minutes),
      facilityId: row.facility_id === null ? null : Number(row.facility_id),
      facilityNameJa: row.facility_name_ja,
      facilityNameEn: row.facility_name_en,
      providerNameJa: row.provider_name_ja,
      providerNameEn: row.provider_name_en,
      status: row.status,
      reason: row.reason,
    }))
  }

  /**
   * Visits and minutes per status for the whole filter (every page): from
   * the ledger's usage totals per month, program, service, facility and
   * status (#ledger/ledger_rollups), or, for one resident, from their
   * own redemptions.
   */
  async totals() {
    const rows = this.filters.residentNumber
      ? await this.#query()
          .groupBy('r.status')
          .select('r.status')
          .count('* as visits')
          .sum('r.minutes as minutes')
      : await this.#usageTotals()
    const byStatus: Record<string, { visits: number; minutes: number }> = {}
    let visits = 0
    for (const row of rows) {
      byStatus[row.status] = { visits: Number(row.visits), minutes: Number(row.minutes) }
      visits += Number(row.visits)
    }
    return { visits, byStatus }
  }

  /** The filters on a redemption's own columns (`prefix`: the table's alias and a dot, or none) */
  #whereFilters(query: DatabaseQueryBuilderContract, prefix: string) {
    const { filters } = this
    if (filters.pluginId) query.where(`${prefix}plugin_id`, filters.pluginId)
    if (filters.programCode) query.where(`${prefix}program_code`, filters.programCode)
    if (filters.service) query.where(`${prefix}service`, filters.service)
    if (filters.facilityId) query.where(`${prefix}facility_id`, filters.facilityId)
    if (filters.status) query.where(`${prefix}status`, filters.status)
  }

  async #usageTotals() {
    const { filters } = this
    await LedgerRollupRefresh.run(this.municipalityId)
    const query = db.from('ledger_usage_totals').where('municipality_id', this.municipalityId)
    this.#whereFilters(query, '')
    if (filters.month) query.where('month', filters.month)
    return query
      .groupBy('status')
      .select('status')
      .sum('visits as visits')
      .sum('minutes as minutes')
  }

  /** The residents on this page, for the audit trail (who was seen) */
  static residentIds(rows: UsageRow[]) {
    return [...new Set(rows.map((row) => row.residentId))]
  }

  /**
   * Facilities to filter by: those of providers contracted here, and any
   * where this municipality's visits took place.
   */
  static async facilities(municipalityId: number) {
    return db
      .from('facilities as f')
      .join('providers as p', 'p.id', 'f.provider_id')
      .where((query) =>
        query
          .whereIn(
            'f.provider_id',
            db
              .from('provider_contracts')
              .where('municipality_id', municipalityId)
              .select('provider_id')
          )
          .orWhereIn(
            'f.id',
            db
              .from('ledger_redemptions')
              .where('municipality_id', municipalityId)
              .whereNotNull('facility_id')
              .select('facility_id')
          )
      )
      .orderBy('p.name_ja')
      .orderBy('f.name_ja')
      .select(
        'f.id',
        'f.name_ja',
        'f.name_en',
        'p.name_ja as provider_name_ja',
        'p.name_en as provider_name_en'
      )
  }
}
