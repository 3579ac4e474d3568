import type { I18n } from '@adonisjs/i18n'
import type { ImportIssue } from '#csv/import_issues'
import type { ImportReport } from '#residents/resident_import'

/**
 * A problem in the reader's language, placed as the spreadsheet shows it:
 * "3行目「氏（カナ）」: カタカナで入力してください…".
 */
export function importIssueText(issue: ImportIssue, i18n: I18n) {
  const message = i18n.t(`csv_import.errors.${issue.code}`, issue.values ?? {})
  if (issue.row !== null && issue.column !== null) {
    return i18n.t('csv_import.at_cell', { row: issue.row, column: issue.column, message })
  }
  if (issue.row !== null) return i18n.t('csv_import.at_row', { row: issue.row, message })
  return message
}

/**
 * The whole report as lines for a terminal or a page: what was read, the
 * counts, every listed problem, and the outcome.
 */
export function importReportText(report: ImportReport, i18n: I18n, dryRun: boolean) {
  const facts: string[] = []
  if (report.encoding) {
    const encoding = i18n.t(`csv_import.encodings.${report.encoding}`)
    facts.push(i18n.t('csv_import.encoding', { encoding }))
  }
  if (report.rows > 0) facts.push(i18n.t('csv_import.summary', { ...report }))
  if (report.rowsWithErrors > 0) {
    facts.push(i18n.t('csv_import.rows_with_errors', { count: report.rowsWithErrors }))
  }

  const problems = report.errors.map((issue) => importIssueText(issue, i18n))
  const unlisted = report.errorCount - report.errors.length
  if (unlisted > 0) {
    problems.push(
      i18n.t('csv_import.more_errors', { count: unlisted, listed: report.errors.length })
    )
  }

  let outcome: string
  if (report.errorCount > 0) {
    outcome = i18n.t('csv_import.refused', { count: report.errorCount })
  } else if (dryRun) {
    outcome = i18n.t('csv_import.dry_run')
  } else if (report.toCreate + report.toUpdate === 0) {
    outcome = i18n.t('csv_import.nothing_changed')
  } else {
    outcome = i18n.t('csv_import.committed')
  }
  return { facts, problems, outcome, ok: report.errorCount === 0 }
}
