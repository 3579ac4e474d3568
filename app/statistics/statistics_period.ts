import { DateTime } from 'luxon'
import { ROLLUP_TIME_ZONE } from '#ledger/ledger_rollups'
import { todayInJapan } from '#ledger/coupon_issuance'

/** A month "YYYY-MM" in Japan time */
export type Month = string

/**
 * The months a statistics screen or export covers, first to last. A
 * municipality reports by fiscal year (年度: April to March), so that is
 * the default; a single month or any range of up to MAX_PERIOD_MONTHS
 * works too. `fiscalYear` is set when the period is exactly one.
 */
export type StatisticsPeriod = { from: Month; to: Month; fiscalYear: number | null }

/** The longest range one screen or file covers (three fiscal years) */
export const MAX_PERIOD_MONTHS = 36

/** The month a fiscal year starts (April) */
const FISCAL_YEAR_START = 4

function monthAt(month: Month) {
  return DateTime.fromFormat(month, 'yyyy-MM', { zone: ROLLUP_TIME_ZONE })
}

/** The fiscal year a month belongs to: 2027-03 is in 2026年度 */
export function fiscalYearOf(month: Month): number {
  const start = monthAt(month)
  return start.month >= FISCAL_YEAR_START ? start.year : start.year - 1
}

export function fiscalYearPeriod(year: number): StatisticsPeriod {
  const from = `${year}-${String(FISCAL_YEAR_START).padStart(2, '0')}`
  return { from, to: monthAt(from).plus({ months: 11 }).toFormat('yyyy-MM'), fiscalYear: year }
}

export function currentMonth(): Month {
  return todayInJapan().slice(0, 7)
}

/** A range of months, named as a fiscal year when it is exactly one */
export function rangePeriod(from: Month, to: Month): StatisticsPeriod {
  const year = fiscalYearOf(from)
  const whole = fiscalYearPeriod(year)
  return { from, to, fiscalYear: whole.from === from && whole.to === to ? year : null }
}

/** How many months a range covers (0 or less when `to` is before `from`) */
export function monthsBetween(from: Month, to: Month) {
  return Math.round(monthAt(to).diff(monthAt(from), 'months').months) + 1
}

/** Every month of the period, first to last */
export function monthsOf(period: StatisticsPeriod): Month[] {
  const first = monthAt(period.from)
  return Array.from({ length: monthsBetween(period.from, period.to) }, (_, index) =>
    first.plus({ months: index }).toFormat('yyyy-MM')
  )
}

/** The fiscal years a staff member may pick: this one and the four before it */
export function recentFiscalYears(): number[] {
  const current = fiscalYearOf(currentMonth())
  return Array.from({ length: 5 }, (_, index) => current - index)
}

/** The period the filters ask for: one month, a range, a fiscal year, else this fiscal year */
export function periodAsked(filters: {
  month?: Month
  from?: Month
  to?: Month
  year?: number
}): StatisticsPeriod {
  if (filters.month) return rangePeriod(filters.month, filters.month)
  if (filters.from && filters.to) return rangePeriod(filters.from, filters.to)
  return fiscalYearPeriod(filters.year ?? fiscalYearOf(currentMonth()))
}
