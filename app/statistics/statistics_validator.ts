import vine from '@vinejs/vine'
import type { FieldContext } from '@vinejs/vine/types'
import { MAX_PERIOD_MONTHS, monthsBetween } from '#statistics/statistics_period'

const MONTH = /^(19|20|21)\d{2}-(0[1-9]|1[0-2])$/

/** The last month of a range: not before the first, and not more than MAX_PERIOD_MONTHS after */
const monthRangeRule = vine.createRule((value: unknown, _, field: FieldContext) => {
  const from = field.parent?.from
  if (typeof value !== 'string' || typeof from !== 'string' || !MONTH.test(from)) return
  const months = monthsBetween(from, value)
  if (months < 1) field.report('', 'month_range_order', field)
  else if (months > MAX_PERIOD_MONTHS) {
    field.report('', 'month_range_length', field, { max: MAX_PERIOD_MONTHS })
  }
})

const month = () => vine.string().trim().regex(MONTH)

/**
 * The statistics screen's and export's filters: a program (or every
 * program) and a period: a fiscal year (`year`), a range (`from` and `to`,
 * both), or a single `month`. Without one, the current fiscal year.
 */
const filters = {
  /** "<plugin id>/<program code>"; empty for every program */
  program: vine
    .string()
    .trim()
    .maxLength(130)
    .regex(/^[a-z0-9_]+\/[a-z0-9_]+$/)
    .optional(),
  month: month().optional(),
  year: vine.number().withoutDecimals().range([1990, 2199]).optional(),
  from: month().optional().requiredIfExists('to'),
  to: month().use(monthRangeRule()).optional().requiredIfExists('from'),
}

export const statisticsFiltersValidator = vine.compile(vine.object(filters))

export const statisticsExportValidator = vine.compile(
  vine.object({ ...filters, encoding: vine.enum(['utf8_bom', 'cp932']).optional() })
)
