import type { ProgramRef } from '#ledger/program_catalog'
import UsageStatistics, { type ShownGrant, type ShownUsage } from '#statistics/usage_statistics'
import { monthsOf, type Month, type StatisticsPeriod } from '#statistics/statistics_period'

/** A program the report covers, with its name in the reader's language */
export type ReportProgram = ProgramRef & { key: string; name: string }

export type ShownFigures = { granted: ShownGrant; used: ShownUsage }

/** One program's months of the period, and the period as a whole */
export type ProgramTable = {
  key: string
  name: string
  months: ({ month: Month } & ShownFigures)[]
  total: ShownFigures
}

/**
 * What the statistics screen shows and its CSV holds, for a period: the
 * chosen program (or every program) over the whole period, usage per
 * facility, and a table per program of each month with the period's
 * total. Small cells are suppressed here, before anything leaves the
 * server (UsageStatistics.shown*).
 */
export default class StatisticsReport {
  constructor(
    private municipalityId: number,
    private period: StatisticsPeriod
  ) {}

  /** The chosen program's (or every program's) figures over the period, and per facility */
  async overview(program: ProgramRef | null) {
    const months = monthsOf(this.period)
    const statistics = new UsageStatistics(this.municipalityId, program)
    const figures = await statistics.period(months)
    const facilities = await statistics.facilities(months)
    return {
      summary: {
        granted: UsageStatistics.shownGrant(figures.granted),
        used: UsageStatistics.shownUsage(figures.used),
      },
      facilities: UsageStatistics.shownFacilities(facilities),
    }
  }

  /** Each program's months and total */
  async tables(programs: ReportProgram[]): Promise<ProgramTable[]> {
    const months = monthsOf(this.period)
    const tables: ProgramTable[] = []
    for (const program of programs) {
      const statistics = new UsageStatistics(this.municipalityId, program)
      const rows = await statistics.months(months)
      const total = await statistics.period(months, rows)
      tables.push({
        key: program.key,
        name: program.name,
        months: rows.map((row) => ({
          month: row.month,
          granted: UsageStatistics.shownGrant(row.granted),
          used: UsageStatistics.shownUsage(row.used),
        })),
        total: {
          granted: UsageStatistics.shownGrant(total.granted),
          used: UsageStatistics.shownUsage(total.used),
        },
      })
    }
    return tables
  }
}
