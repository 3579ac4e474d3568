import { DateTime } from 'luxon'
import db from '@adonisjs/lucid/services/db'
import type { DatabaseQueryBuilderContract } from '@adonisjs/lucid/types/querybuilder'
import Facility from '#tenancy/facility'
import type { ProgramRef } from '#ledger/program_catalog'
import { type Cell, hiddenRows, suppressRow } from '#statistics/small_cells'

export const STATISTICS_TIME_ZONE = 'Asia/Tokyo'

/** A month "YYYY-MM" in Japan time */
export type Month = string

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
 * Usage statistics of a municipality, per program (or all) and month, by
 * SQL aggregation over the ledger (the same on SQLite and PostgreSQL):
 * hours granted (lots created in the month, Japan time), hours used and
 * active residents (approved redemptions whose visit date falls in the
 * month), and the same usage per facility. `shown*` apply small-cell
 * suppression; the raw figures never leave the server.
 */
export default class UsageStatistics {
  constructor(
    private municipalityId: number,
    private program: ProgramRef | null
  ) {}

  static currentMonth(): Month {
    return DateTime.now().setZone(STATISTICS_TIME_ZONE).toFormat('yyyy-MM')
  }

  /** The instants the month starts and ends in Japan, and its first days as dates */
  static bounds(month: Month) {
    const start = DateTime.fromFormat(month, 'yyyy-MM', { zone: STATISTICS_TIME_ZONE })
    if (!start.isValid) throw new Error(`Not a month: ${month}`)
    const next = start.plus({ months: 1 })
    return {
      start: start.toJSDate(),
      end: next.toJSDate(),
      firstDay: start.toISODate()!,
      nextFirstDay: next.toISODate()!,
    }
  }

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
   * Figures for several months: one query over the lots (a CASE per month,
   * so the month boundaries in Japan time are bound values rather than
   * dialect-specific date functions) and one over the redemptions grouped
   * by the visit date's month.
   */
  async months(months: Month[]): Promise<MonthFigures[]> {
    if (months.length === 0) return []
    const ranges = months.map((month) => UsageStatistics.bounds(month))

    const lots = this.#scoped(db.from('ledger_lots')).whereNot('status', 'revoked')
    const columns: string[] = []
    const bindings: unknown[] = []
    ranges.forEach(({ start, end }, index) => {
      const inMonth = 'created_at >= ? AND created_at < ?'
      columns.push(
        `COUNT(DISTINCT CASE WHEN ${inMonth} THEN resident_id END) AS r${index}`,
        `COUNT(CASE WHEN ${inMonth} THEN 1 END) AS l${index}`,
        `COALESCE(SUM(CASE WHEN ${inMonth} THEN granted_minutes END), 0) AS m${index}`
      )
      bindings.push(start, end, start, end, start, end)
    })
    const granted = await lots
      .where('created_at', '>=', ranges[0].start)
      .where('created_at', '<', ranges[ranges.length - 1].end)
      .select(db.raw(columns.join(', '), bindings as any[]))
      .first()

    const usedRows = await this.#posted(ranges[0].firstDay, ranges[ranges.length - 1].nextFirstDay)
      .select(db.raw('SUBSTR(visit_date, 1, 7) AS month'))
      .countDistinct('resident_id as residents')
      .count('* as visits')
      .sum('minutes as minutes')
      .groupByRaw('SUBSTR(visit_date, 1, 7)')

    return months.map((month, index) => {
      const used = usedRows.find((row) => row.month === month)
      return {
        month,
        granted: {
          residents: Number(granted?.[`r${index}`] ?? 0),
          lots: Number(granted?.[`l${index}`] ?? 0),
          minutes: Number(granted?.[`m${index}`] ?? 0),
        },
        used: {
          residents: Number(used?.residents ?? 0),
          visits: Number(used?.visits ?? 0),
          minutes: Number(used?.minutes ?? 0),
        },
      }
    })
  }

  /** Approved usage in the month per facility (visits without one: facilityId null) */
  async facilities(month: Month): Promise<FacilityFigures[]> {
    const { firstDay, nextFirstDay } = UsageStatistics.bounds(month)
    const rows = await this.#posted(firstDay, nextFirstDay)
      .select('facility_id')
      .countDistinct('resident_id as residents')
      .count('* as visits')
      .sum('minutes as minutes')
      .groupBy('facility_id')
    const ids = rows.map((row) => row.facility_id).filter((id) => id !== null)
    const facilities = ids.length
      ? await Facility.query().whereIn('id', ids).preload('provider')
      : []
    return rows
      .map((row) => {
        const facility = facilities.find((candidate) => candidate.id === Number(row.facility_id))
        return {
          facilityId: row.facility_id === null ? null : Number(row.facility_id),
          facility: facility ? { ja: facility.nameJa, en: facility.nameEn } : null,
          provider: facility
            ? { ja: facility.provider.nameJa, en: facility.provider.nameEn }
            : null,
          residents: Number(row.residents),
          visits: Number(row.visits),
          minutes: Number(row.minutes ?? 0),
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

  #scoped(query: DatabaseQueryBuilderContract) {
    query.where('municipality_id', this.municipalityId)
    if (this.program) {
      query
        .where('plugin_id', this.program.pluginId)
        .where('program_code', this.program.programCode)
    }
    return query
  }

  #posted(fromDay: string, beforeDay: string) {
    return this.#scoped(db.from('ledger_redemptions'))
      .where('status', 'posted')
      .where('visit_date', '>=', fromDay)
      .where('visit_date', '<', beforeDay)
  }
}

/** Minutes as hours, to one decimal place */
export function toHours(minutes: number) {
  return Math.round((minutes / 60) * 10) / 10
}
