import {
  CsvReadError,
  type CsvRecord,
  type CsvSourceEncoding,
  decodeCsvBytes,
  parseCsvText,
} from '#csv/csv_decoding'
import { parseJapaneseDate } from '#csv/japanese_dates'
import {
  RESIDENT_FIELD_MAX_LENGTH,
  checkKana,
  checkPhone,
  checkResidentNumber,
  hasLineBreak,
  readYesNo,
} from '#residents/resident_field_rules'
import type ImportIssues from '#csv/import_issues'
import type { ImportErrorCode, ImportIssue } from '#csv/import_issues'

/*
|--------------------------------------------------------------------------
| Columns
|--------------------------------------------------------------------------
| Headers are matched after NFKC, without case, spaces, underscores,
| hyphens or brackets: 氏（カナ）, 氏(ｶﾅ) and 氏 カナ are one column, and so
| are family_name_kana and Family Name Kana.
*/
export type ResidentField =
  | 'residentNumber'
  | 'familyName'
  | 'givenName'
  | 'familyNameKana'
  | 'givenNameKana'
  | 'phone'
  | 'childDueDate'
  | 'childBirthDate'
  | 'multipleBirth'

type ImportColumn = { field: ResidentField; header: string; aliases: string[]; required: boolean }

export const RESIDENT_IMPORT_COLUMNS: readonly ImportColumn[] = [
  {
    field: 'residentNumber',
    header: '利用者ID',
    aliases: ['resident_number', 'resident_id', 'resident_no'],
    required: true,
  },
  {
    field: 'familyName',
    header: '氏',
    aliases: ['family_name', 'last_name', 'surname'],
    required: true,
  },
  { field: 'givenName', header: '名', aliases: ['given_name', 'first_name'], required: true },
  {
    field: 'familyNameKana',
    header: '氏（カナ）',
    aliases: ['family_name_kana', 'last_name_kana'],
    required: true,
  },
  {
    field: 'givenNameKana',
    header: '名（カナ）',
    aliases: ['given_name_kana', 'first_name_kana'],
    required: true,
  },
  {
    field: 'phone',
    header: '電話番号',
    aliases: ['phone', 'phone_number', 'tel'],
    required: false,
  },
  {
    field: 'childDueDate',
    header: '子の出産予定日',
    aliases: ['child_due_date', 'due_date'],
    required: false,
  },
  {
    field: 'childBirthDate',
    header: '子の生年月日',
    aliases: ['child_birth_date', 'birth_date'],
    required: false,
  },
  { field: 'multipleBirth', header: '多胎', aliases: ['multiple_birth'], required: false },
]

/** Column widths of the residents table (the rules the staff forms apply too) */
const MAX_LENGTH: Partial<Record<ResidentField, number>> = {
  residentNumber: RESIDENT_FIELD_MAX_LENGTH.residentNumber,
  familyName: RESIDENT_FIELD_MAX_LENGTH.familyName,
  givenName: RESIDENT_FIELD_MAX_LENGTH.givenName,
  familyNameKana: RESIDENT_FIELD_MAX_LENGTH.familyNameKana,
  givenNameKana: RESIDENT_FIELD_MAX_LENGTH.givenNameKana,
}

function headerKey(text: string) {
  return text
    .normalize('NFKC')
    .toLowerCase()
    .replaceAll(/[\s_\-()[\]]/g, '')
}

const COLUMN_BY_HEADER = new Map<string, ImportColumn>(
  RESIDENT_IMPORT_COLUMNS.flatMap((column) =>
    [column.header, ...column.aliases].map((name) => [headerKey(name), column] as const)
  )
)

/*
|--------------------------------------------------------------------------
| Values
|--------------------------------------------------------------------------
*/
/*
| Values are read by the rules the staff forms use too
| (app/residents/resident_field_rules.ts): 利用者ID, kana, phone, yes/no.
*/

const READ_REFUSALS: Record<CsvReadError['reason'], ImportErrorCode> = {
  empty: 'empty_file',
  excel_workbook: 'excel_workbook',
  utf16: 'utf16',
  not_csv: 'not_csv',
  unreadable: 'unreadable',
  malformed: 'malformed_csv',
}

const DATE_REFUSALS = {
  format: 'invalid_date',
  impossible: 'impossible_date',
  outside_era: 'date_outside_era',
} as const

export type ChildFacts = {
  dueDate: string | null
  birthDate: string | null
  /** null: not given (a new child is single, a known one keeps its value) */
  multipleBirth: boolean | null
}

/** A data row as checked and normalized, ready to compare and save */
export type ResidentRow = {
  row: number
  residentNumber: string
  familyName: string
  givenName: string
  familyNameKana: string
  givenNameKana: string
  /** null: not given, the stored number is kept */
  phone: string | null
  child: ChildFacts | null
}

export type ResidentCsv = {
  encoding: CsvSourceEncoding
  /** Each column's header as written in the file */
  headers: Map<ResidentField, string>
  /** The rows without problems */
  rows: ResidentRow[]
  /** Data rows read (blank rows are skipped) */
  dataRows: number
  rowsWithErrors: Set<number>
}

type Layout = {
  headers: Map<ResidentField, string>
  /** The field of each column position; null for a column with an empty header */
  fieldAt: (ResidentField | null)[]
  /** Each field's column position (read once a row, not searched for) */
  positionOf: Map<ResidentField, number>
}

type Refuse = (
  field: ResidentField | null,
  code: ImportErrorCode,
  values?: ImportIssue['values'],
  column?: string
) => void

/** Spreadsheet column letters (A, B, …, Z, AA) for a cell with no header */
function columnLetter(index: number) {
  let letters = ''
  for (let rest = index + 1; rest > 0; rest = Math.floor((rest - 1) / 26)) {
    letters = String.fromCodePoint(65 + ((rest - 1) % 26)) + letters
  }
  return letters
}

class RowLimitReached extends Error {}

/**
 * Reads a residents CSV: bytes → text → header → checked rows, every
 * problem noted with its spreadsheet row and column. Full-width digits,
 * letters and dashes in IDs, phones and dates become ASCII; half-width
 * kana become full-width. Names are kept exactly as written: NFKC would
 * swap some kanji for their unified forms (神 U+FA19 → 神 U+795E), and
 * people care which.
 */
export default class ResidentCsvReader {
  constructor(private readonly maxRows: number) {}

  /** The file's rows, or null when the file as a whole is refused (the issue says why) */
  async read(bytes: Uint8Array, issues: ImportIssues): Promise<ResidentCsv | null> {
    let decoded: ReturnType<typeof decodeCsvBytes>
    try {
      decoded = decodeCsvBytes(bytes)
    } catch (error) {
      if (!(error instanceof CsvReadError)) throw error
      issues.add({ row: null, column: null, code: READ_REFUSALS[error.reason] })
      return null
    }

    const result: ResidentCsv = {
      encoding: decoded.encoding,
      headers: new Map(),
      rows: [],
      dataRows: 0,
      rowsWithErrors: new Set(),
    }
    // Set from the parser's callback, hence an object (not narrowed to null)
    const header: { layout: Layout | null; refused: boolean } = { layout: null, refused: false }
    const firstRowOf = new Map<string, number>()

    try {
      await parseCsvText(decoded.text, (record) => {
        if (header.refused) return
        const layout = header.layout
        if (!layout) {
          header.layout = this.#layout(record, issues)
          header.refused = header.layout === null
          if (header.layout) result.headers = header.layout.headers
          return
        }
        // Trimmed once: the blank-row test and every check read the trimmed cell
        const cells = record.cells.map((cell) => cell.trim())
        if (cells.every((cell) => cell === '')) return
        result.dataRows++
        if (result.dataRows > this.maxRows) throw new RowLimitReached()

        const errorsBefore = issues.count
        const row = this.#checkRow(record.row, cells, layout, issues)
        if (row) {
          const firstRow = firstRowOf.get(row.residentNumber)
          if (firstRow === undefined) {
            firstRowOf.set(row.residentNumber, row.row)
          } else {
            issues.add({
              row: row.row,
              column: layout.headers.get('residentNumber')!,
              code: 'duplicate_resident_number',
              values: { firstRow },
            })
          }
        }
        if (issues.count > errorsBefore) result.rowsWithErrors.add(record.row)
        else if (row) result.rows.push(row)
      })
    } catch (error) {
      if (error instanceof RowLimitReached) {
        const values = { limit: this.maxRows }
        issues.add({ row: null, column: null, code: 'too_many_rows', values })
        return null
      }
      if (error instanceof CsvReadError) {
        issues.add({ row: error.row, column: null, code: 'malformed_csv' })
        return null
      }
      throw error
    }

    if (!header.layout) return null
    if (result.dataRows === 0) {
      issues.add({ row: null, column: null, code: 'no_rows' })
      return null
    }
    return result
  }

  /**
   * Maps the header row to fields. Refuses a missing required column, a
   * column twice, or a column we do not know (its data would otherwise be
   * dropped without a word). An empty header cell is allowed: Excel leaves
   * them after the last column; a value under one is a row error.
   */
  #layout(header: CsvRecord, issues: ImportIssues): Layout | null {
    const headers = new Map<ResidentField, string>()
    const fieldAt: (ResidentField | null)[] = []
    let refused = false
    for (const cell of header.cells) {
      const text = cell.trim()
      if (text === '') {
        fieldAt.push(null)
        continue
      }
      const column = COLUMN_BY_HEADER.get(headerKey(text))
      if (!column) {
        issues.add({ row: header.row, column: text, code: 'unknown_column' })
        refused = true
      } else if (headers.has(column.field)) {
        issues.add({ row: header.row, column: text, code: 'duplicate_column' })
        refused = true
      } else {
        headers.set(column.field, text)
      }
      fieldAt.push(column?.field ?? null)
    }
    for (const column of RESIDENT_IMPORT_COLUMNS) {
      if (column.required && !headers.has(column.field)) {
        issues.add({ row: header.row, column: column.header, code: 'missing_column' })
        refused = true
      }
    }
    const positionOf = new Map(
      fieldAt.flatMap((field, position) => (field ? [[field, position] as const] : []))
    )
    return refused ? null : { headers, fieldAt, positionOf }
  }

  /** Normalizes and checks one data row (its cells trimmed); null when any cell is refused */
  #checkRow(
    rowNumber: number,
    cells: string[],
    layout: Layout,
    issues: ImportIssues
  ): ResidentRow | null {
    let valid = true
    const refuse: Refuse = (field, code, values, column) => {
      issues.add({
        row: rowNumber,
        column: column ?? (field ? layout.headers.get(field)! : null),
        code,
        ...(values ? { values } : {}),
      })
      valid = false
    }

    for (const [index, cell] of cells.entries()) {
      if (!layout.fieldAt[index] && cell !== '') {
        refuse(null, 'value_without_header', undefined, columnLetter(index))
      }
    }

    const text = (field: ResidentField) => {
      const value = cells[layout.positionOf.get(field) ?? -1] ?? ''
      if (hasLineBreak(value)) {
        refuse(field, 'line_break')
        return null
      }
      const max = MAX_LENGTH[field]
      if (max && value.length > max) {
        refuse(field, 'too_long', { max })
        return null
      }
      return value
    }
    const required = (field: ResidentField) => {
      const value = text(field)
      if (value === '') refuse(field, 'required')
      return value || null
    }

    const residentNumber = this.#residentNumber(required('residentNumber'), refuse)
    const familyName = required('familyName')
    const givenName = required('givenName')
    const familyNameKana = this.#kana('familyNameKana', required('familyNameKana'), refuse)
    const givenNameKana = this.#kana('givenNameKana', required('givenNameKana'), refuse)
    const phone = this.#phone(text('phone'), refuse)
    const dueDate = this.#date('childDueDate', text('childDueDate'), refuse)
    const birthDate = this.#date('childBirthDate', text('childBirthDate'), refuse)
    const multipleBirth = this.#yesNo(text('multipleBirth'), refuse)
    if (multipleBirth !== null && !dueDate && !birthDate && valid) {
      refuse('multipleBirth', 'child_date_required')
    }

    if (!valid) return null
    return {
      row: rowNumber,
      residentNumber: residentNumber!,
      familyName: familyName!,
      givenName: givenName!,
      familyNameKana: familyNameKana!,
      givenNameKana: givenNameKana!,
      phone,
      child: dueDate || birthDate ? { dueDate, birthDate, multipleBirth } : null,
    }
  }

  /** 利用者ID: full-width letters and digits and any dash become ASCII */
  #residentNumber(value: string | null, refuse: Refuse) {
    if (value === null) return null
    const checked = checkResidentNumber(value)
    if (!checked.ok) refuse('residentNumber', checked.code)
    return checked.ok ? checked.value : null
  }

  /** Half-width kana become full-width (NFKC); hiragana, kanji or letters are refused */
  #kana(field: ResidentField, value: string | null, refuse: Refuse) {
    if (value === null) return null
    const checked = checkKana(value)
    if (checked.ok) return checked.value
    refuse(field, checked.code)
    return null
  }

  /** Kept with its hyphens; Excel drops a leading 0, which the check catches */
  #phone(value: string | null, refuse: Refuse) {
    if (!value) return null
    const checked = checkPhone(value)
    if (checked.ok) return checked.value
    refuse('phone', checked.code)
    return null
  }

  #date(field: ResidentField, value: string | null, refuse: Refuse) {
    if (!value) return null
    const parsed = parseJapaneseDate(value)
    if (parsed.ok) return parsed.date
    refuse(field, DATE_REFUSALS[parsed.reason], { value })
    return null
  }

  #yesNo(value: string | null, refuse: Refuse) {
    if (!value) return null
    const answer = readYesNo(value)
    if (answer !== undefined) return answer
    refuse('multipleBirth', 'invalid_yes_no', { value })
    return null
  }
}
