import type { I18n } from '@adonisjs/i18n'
import { csvChunks, type CsvEncoding } from '#csv/csv_export'
import type { ProgramTable, ShownFigures } from '#statistics/statistics_report'
import type { Month, StatisticsPeriod } from '#statistics/statistics_period'

const COLUMNS = [
  'program',
  'month',
  'granted_residents',
  'lots',
  'granted_hours',
  'active_residents',
  'visits',
  'used_hours',
] as const

function figures({ granted, used }: ShownFigures) {
  return [granted.residents, granted.lots, granted.hours, used.residents, used.visits, used.hours]
}

/** A month as the screen names it: 2026年5月, May 2026 (a text, so Excel keeps it) */
function monthName(i18n: I18n, month: Month) {
  const [year, number] = month.split('-').map(Number)
  return i18n.formatDate(new Date(Date.UTC(year, number - 1, 1)), {
    year: 'numeric',
    month: 'long',
    timeZone: 'UTC',
  })
}

/**
 * The statistics screen's monthly tables as one CSV file: a row per program
 * and month, then the program's total for the period, with the "*" of
 * small-cell suppression as on screen; column names in the reader's
 * language.
 */
export async function statisticsCsv(
  i18n: I18n,
  municipalityCode: string,
  period: StatisticsPeriod,
  tables: ProgramTable[],
  encoding: CsvEncoding
) {
  const header = COLUMNS.map((column) => i18n.t(`staff_statistics.csv.${column}`))
  const rows = tables.flatMap((table) => [
    ...table.months.map((row) => [table.name, monthName(i18n, row.month), ...figures(row)]),
    [table.name, i18n.t('staff_statistics.csv.total'), ...figures(table.total)],
  ])
  const chunks: Buffer[] = []
  const pages = (async function* () {
    yield rows
  })()
  for await (const chunk of csvChunks(header, pages, encoding)) chunks.push(chunk)
  const name = period.fiscalYear
    ? i18n.t('staff_statistics.csv.file_fiscal_year', {
        code: municipalityCode,
        year: String(period.fiscalYear),
      })
    : i18n.t('staff_statistics.csv.file_range', {
        code: municipalityCode,
        from: period.from,
        to: period.to,
      })
  const bytes = Buffer.concat(chunks)
  return {
    bytes,
    name,
    asciiName: `statistics_${municipalityCode}_${period.from}_${period.to}.csv`,
    size: bytes.length,
  }
}
