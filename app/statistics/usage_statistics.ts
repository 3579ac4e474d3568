import { DateTime } from 'luxon'
import db from '@adonisjs/lucid/services/db'
import Facility from '#tenancy/facility'
import type { ProgramRef } from '#ledger/program_catalog'
import LedgerRollupRefresh from '#ledger/ledger_rollup_refresh'
import { ALL_FACILITIES, ALL_PROGRAMS, NO_FACILITY, ROLLUP_TIME_ZONE } from '#ledger/ledger_rollups'
import { type Cell, hiddenRows, suppressRow } from '#statistics/small_cells'
import type { Month } from '#statistics/statistics_period'

export type { Month } from '#statistics/statistics_period'

/** Lots count in the month of their creation in Japan, as the ledger's rollups count them */
export const STATISTICS_TIME_ZONE = ROLLUP_TIME_ZONE

/** What was granted in a month: lots created then (revoked lots left out) */
export type GrantFigures = { residents: number; lots: number; minutes: number }
/** What was used: approved (posted) redemptions by visit date */
export type UsageFigures = { residents: number; visits: number; minutes: number }

export type MonthFigures = { month: Month; granted: GrantFigures; used: UsageFigures }
export type FacilityFigures = {
  facilityId: number | null
  facility: { ja: string; en: string } | null
  provider: { ja: string; en: string } | null
} & UsageFigures

/** As shown: hours instead of minutes, small cells suppressed */
export type ShownGrant = { residents: Cell; lots: Cell; hours: Cell }
export type ShownUsage = { residents: Cell; visits: Cell; hours: Cell }

/**
 * Usage statistics of a municipality, per program (or all) and month,
 * read from the ledger's month totals (#ledger/ledger_rollups, kept in
 * the transaction of every ledger change): hours granted (lots created in
 * the month, Japan time, not revoked), hours used and active residents
 * (approved redemptions whose visit date falls in the month), and the
 * same usage per facility. `shown*` apply small-cell
 * suppression; the raw figures never leave the server.
 */
export default class UsageStatistics {
  constructor(
    private municipalityId: number,
    private program: ProgramRef | null
  ) {}

  /** The 12 months that end with `month`, oldest first */
  static twelveMonthsTo(month: Month): Month[] {
    const last = DateTime.fromFormat(month, 'yyyy-MM', { zone: STATISTICS_TIME_ZONE })
    return Array.from({ length: 12 }, (_, index) =>
      last.minus({ months: 11 - index }).toFormat('yyyy-MM')
    )
  }

  async month(month: Month): Promise<MonthFigures> {
    const [figures] = await this.months([month])
    return figures
  }

  /**
   * Figures for several months, from the ledger's month totals
   * (ledger_rollups.ts): one row per kind and month of this program (or
   * every program), over every facility.
   */
  async months(months: Month[]): Promise<MonthFigures[]> {
    if (months.length === 0) return []
    await LedgerRollupRefresh.run(this.municipalityId)
    const rows = await this.#totals()
      .whereIn('month', months)
      .where('facility_id', ALL_FACILITIES)
      .select('kind', 'month', 'residents', 'items', 'minutes')
    const figures = (kind: string, month: Month) => {
      const row = rows.find((candidate) => candidate.kind === kind && candidate.month === month)
      return {
        residents: Number(row?.residents ?? 0),
        items: Number(row?.items ?? 0),
        minutes: Number(row?.minutes ?? 0),
      }
    }
    return months.map((month) => {
      const granted = figures('granted', month)
      const used = figures('used', month)
      return {
        month,
        granted: { residents: granted.residents, lots: granted.items, minutes: granted.minutes },
        used: { residents: used.residents, visits: used.items, minutes: used.minutes },
      }
    })
  }

  /**
   * The figures of several months together: lots, visits and minutes
   * added up; residents counted once however many of the months they were
   * active in (from the rollup's member rows, which a sum of the months'
   * counts would overcount).
   */
  async period(months: Month[], figures?: MonthFigures[]): Promise<Omit<MonthFigures, 'month'>> {
    if (months.length === 1) return figures?.[0] ?? this.month(months[0])
    figures ??= await this.months(months)
    const sum = (pick: (month: MonthFigures) => number) =>
      figures!.reduce((total, month) => total + pick(month), 0)
    const residents = await this.#members()
      .whereIn('month', months)
      .where('facility_id', ALL_FACILITIES)
      .groupBy('kind')
      .select('kind')
      .countDistinct('resident_id as residents')
    const residentsOf = (kind: string) =>
      Number(residents.find((row) => row.kind === kind)?.residents ?? 0)
    return {
      granted: {
        residents: residentsOf('granted'),
        lots: sum((month) => month.granted.lots),
        minutes: sum((month) => month.granted.minutes),
      },
      used: {
        residents: residentsOf('used'),
        visits: sum((month) => month.used.visits),
        minutes: sum((month) => month.used.minutes),
      },
    }
  }

  /** Approved usage per facility (visits without one: facilityId null) in a month or several */
  async facilities(months: Month | Month[]): Promise<FacilityFigures[]> {
    const chosen = typeof months === 'string' ? [months] : months
    await LedgerRollupRefresh.run(this.municipalityId)
    const totals = await this.#totals()
      .where('kind', 'used')
      .whereIn('month', chosen)
      .whereNot('facility_id', ALL_FACILITIES)
      .groupBy('facility_id')
      .select('facility_id')
      .sum('residents as residents')
      .sum('items as items')
      .sum('minutes as minutes')
    // Several months: a resident active in two of them is one resident
    const distinct =
      chosen.length > 1
        ? await this.#members()
            .where('kind', 'used')
            .whereIn('month', chosen)
            .whereNot('facility_id', ALL_FACILITIES)
            .groupBy('facility_id')
            .select('facility_id')
            .countDistinct('resident_id as residents')
        : totals
    const rows = totals.map((row) => ({
      ...row,
      residents:
        distinct.find((other) => Number(other.facility_id) === Number(row.facility_id))
          ?.residents ?? 0,
    }))
    const ids = rows.map((row) => Number(row.facility_id)).filter((id) => id !== NO_FACILITY)
    const facilities = ids.length
      ? await Facility.query().whereIn('id', ids).preload('provider')
      : []
    return rows
      .map((row) => {
        const facilityId = Number(row.facility_id) === NO_FACILITY ? null : Number(row.facility_id)
        const facility = facilities.find((candidate) => candidate.id === facilityId)
        return {
          facilityId,
          facility: facility ? { ja: facility.nameJa, en: facility.nameEn } : null,
          provider: facility
            ? { ja: facility.provider.nameJa, en: facility.provider.nameEn }
            : null,
          residents: Number(row.residents),
          visits: Number(row.items),
          minutes: Number(row.minutes),
        }
      })
      .sort(
        (a, b) =>
          (a.provider?.ja ?? '\uffff').localeCompare(b.provider?.ja ?? '\uffff') ||
          (a.facility?.ja ?? '\uffff').localeCompare(b.facility?.ja ?? '\uffff')
      )
  }

  static shownGrant(figures: GrantFigures): ShownGrant {
    const { people, lots, hours } = suppressRow(figures.residents, {
      lots: figures.lots,
      hours: toHours(figures.minutes),
    })
    return { residents: people, lots, hours }
  }

  static shownUsage(figures: UsageFigures, hidden?: boolean): ShownUsage {
    const { people, visits, hours } = suppressRow(
      figures.residents,
      { visits: figures.visits, hours: toHours(figures.minutes) },
      hidden
    )
    return { residents: people, visits, hours }
  }

  /** The per-facility rows as shown, a lone small row never recoverable from the total */
  static shownFacilities<Row extends UsageFigures>(rows: Row[]): (Row & ShownUsage)[] {
    const hidden = hiddenRows(rows.map((row) => row.residents))
    return rows.map((row, index) => ({ ...row, ...this.shownUsage(row, hidden[index]) }))
  }

  /** The month totals of this municipality and program (or every program) */
  #totals() {
    return this.#scoped('ledger_month_totals')
  }

  /** Who was active in each month, of this municipality and program (or every program) */
  #members() {
    return this.#scoped('ledger_month_residents')
  }

  #scoped(table: string) {
    return db
      .from(table)
      .where('municipality_id', this.municipalityId)
      .where('plugin_id', this.program?.pluginId ?? ALL_PROGRAMS)
      .where('program_code', this.program?.programCode ?? ALL_PROGRAMS)
  }
}

/** Minutes as hours, to one decimal place */
export function toHours(minutes: number) {
  return Math.round((minutes / 60) * 10) / 10
}
