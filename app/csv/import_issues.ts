/*
| The problems an import finds, each with a code translated by
| csv_import.errors.<code> (resources/lang/<locale>/csv_import.json).
*/
export const IMPORT_ERROR_CODES = [
  // the file as a whole
  'file_too_large',
  'empty_file',
  'excel_workbook',
  'utf16',
  'not_csv',
  'unreadable',
  'malformed_csv',
  'too_many_rows',
  'no_rows',
  // the header row
  'missing_column',
  'duplicate_column',
  'unknown_column',
  // a cell
  'required',
  'too_long',
  'line_break',
  'invalid_resident_number',
  'duplicate_resident_number',
  'kana_only',
  'invalid_phone',
  'invalid_date',
  'impossible_date',
  'date_outside_era',
  'invalid_yes_no',
  'child_date_required',
  'value_without_header',
  'child_date_conflict',
] as const

export type ImportErrorCode = (typeof IMPORT_ERROR_CODES)[number]

/**
 * One problem: spreadsheet row (the header is row 1; null for the file as
 * a whole), column (the header as written in the file, or the expected
 * header when it is missing), a code translated by csv_import.errors.<code>,
 * and values for the message. Values never hold names or phone numbers:
 * only limits, row numbers and the unreadable date or yes/no text.
 */
export type ImportIssue = {
  row: number | null
  column: string | null
  code: ImportErrorCode
  values?: Record<string, string | number>
}

/** Collects problems: counts them all, keeps the first `limit` for the report */
export default class ImportIssues {
  readonly listed: ImportIssue[] = []
  count = 0

  constructor(private readonly limit: number) {}

  add(issue: ImportIssue) {
    this.count++
    if (this.listed.length < this.limit) this.listed.push(issue)
  }

  /** In row order; problems of one row stay in column order (a stable sort) */
  sorted() {
    return this.listed.toSorted((a, b) => (a.row ?? 0) - (b.row ?? 0))
  }
}
