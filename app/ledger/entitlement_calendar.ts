import { DateTime } from 'luxon'
import type { DateRule } from '#plugin_host/define_plugin'

/**
 * Date arithmetic of program rules, on calendar dates (YYYY-MM-DD, Japan).
 * Months are added before days, so "the day before the first birthday" is
 * birth + 12 months − 1 day, and a birthday on the 31st clamps to the
 * month's last day.
 */
export default class EntitlementCalendar {
  static resolve(rule: DateRule, on: { issueDate: string; birthDate: string | null }) {
    const base = this.#anchor(rule, on)
    return base
      .plus({ months: rule.months ?? 0 })
      .plus({ days: rule.days ?? 0 })
      .toISODate() as string
  }

  /** 31 March closing the fiscal year (April–March) that holds the date */
  static fiscalYearEnd(date: string) {
    const day = DateTime.fromISO(date)
    const year = day.month >= 4 ? day.year + 1 : day.year
    return `${year}-03-31`
  }

  /**
   * The school grade on a date of a child born on birthDate: 1–6 in
   * elementary school, 7–9 in junior high, 0 or less before school. Children
   * born 2 April to 1 April of the next year share a school year, and school
   * starts in the April after they turn six.
   */
  static schoolGrade(birthDate: string, onDate: string) {
    const birth = DateTime.fromISO(birthDate)
    const bornBeforeApril2 = birth.month < 4 || (birth.month === 4 && birth.day === 1)
    const cohortYear = bornBeforeApril2 ? birth.year - 1 : birth.year
    const fiscalYear = Number(this.fiscalYearEnd(onDate).slice(0, 4)) - 1
    return fiscalYear - (cohortYear + 7) + 1
  }

  static isValidDate(value: string) {
    return /^\d{4}-\d{2}-\d{2}$/.test(value) && DateTime.fromISO(value).isValid
  }

  static later(a: string, b: string) {
    return a > b ? a : b
  }

  static #anchor(rule: DateRule, on: { issueDate: string; birthDate: string | null }) {
    switch (rule.anchor) {
      case 'issue':
        return DateTime.fromISO(on.issueDate)
      case 'fiscal_year_end':
        return DateTime.fromISO(this.fiscalYearEnd(on.issueDate))
      case 'birth':
        if (!on.birthDate) throw new Error('A birth-anchored date needs the birth or due date')
        return DateTime.fromISO(on.birthDate)
    }
  }
}
