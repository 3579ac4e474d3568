import { Readable } from 'node:stream'
import iconv from 'iconv-lite'

export type CsvEncoding = 'utf8_bom' | 'cp932'

const FORMULA_TRIGGERS = /^[=+\-@\t\r]/

/** A cell that must be quoted (RFC 4180): a comma, a quote, or a line break (a lone CR or LF too) */
const NEEDS_QUOTES = /[",\r\n]/

/** Text is encoded and handed on in pieces of about this many characters */
const CHUNK_CHARACTERS = 256 * 1024

/**
 * A text cell that a spreadsheet would read as a formula (= + - @ tab CR
 * at the start) is prefixed with an apostrophe (ASVS 1.2.10). Numbers stay
 * numbers.
 */
export function neutralizeCell(value: unknown): unknown {
  if (typeof value === 'string' && FORMULA_TRIGGERS.test(value)) return `'${value}`
  return value
}

function quoteIfNeeded(text: string) {
  return NEEDS_QUOTES.test(text) ? `"${text.replaceAll('"', '""')}"` : text
}

/**
 * One cell as text: null and undefined empty, booleans 1 and 0, numbers as
 * JavaScript writes them, dates as epoch milliseconds, other objects as
 * JSON (what csv-stringify wrote before, byte for byte).
 */
function cellText(value: unknown): string {
  switch (typeof value) {
    case 'string':
      return quoteIfNeeded(value)
    case 'number':
    case 'bigint':
      return String(value)
    case 'boolean':
      return value ? '1' : '0'
    case 'undefined':
      return ''
    default:
      if (value === null) return ''
      if (value instanceof Date) return String(value.getTime())
      return quoteIfNeeded(JSON.stringify(value))
  }
}

/**
 * One CSV record with its CRLF: the first `width` cells, text cells
 * neutralized (neutralizeCell) unless it is the header.
 */
function csvRecord(cells: readonly unknown[], width: number, neutralize: boolean) {
  let record = ''
  for (let index = 0; index < width; index++) {
    if (index > 0) record += ','
    record += cellText(neutralize ? neutralizeCell(cells[index]) : cells[index])
  }
  return `${record}\r\n`
}

/**
 * Characters Macs and phones type that CP932 holds under another code
 * point (JIS X 0208's and Unicode's mapping against Microsoft's): written
 * as CP932's form, not as "?". 〜 in 「9:00〜17:00」 is ～, − in 「1丁目2−3」 is －.
 */
const CP932_FORMS: Record<string, string> = {
  '\u301C': '\uFF5E', // 〜 wave dash → ～
  '\u2212': '\uFF0D', // − minus sign → －
  '\u2014': '\u2015', // — em dash → ―
  '\u2016': '\u2225', // ‖ double vertical line → ∥
  '\u00A2': '\uFFE0', // ¢ → ￠
  '\u00A3': '\uFFE1', // £ → ￡
  '\u00AC': '\uFFE2', // ¬ → ￢
  '\u00A5': '\uFFE5', // ¥ → ￥ (CP932's 0x5C reads back as a backslash)
  '\u203E': '\uFFE3', // ‾ overline → ￣ (0x7E reads back as a tilde)
}
const CP932_VARIANT = new RegExp(`[${Object.keys(CP932_FORMS).join('')}]`, 'g')

/** What a CP932 file could not hold: characters written as "?", and the lines they are on */
export type EncodingReport = { replaced: number; characters: string[]; lines: number[] }

/** Lines a report names at most (it counts every replacement) */
const REPORTED_LINES = 20

export function emptyEncodingReport(): EncodingReport {
  return { replaced: 0, characters: [], lines: [] }
}

/** How many times `needle` stands in a text or its bytes (in Shift_JIS no second byte is 0x3F) */
function occurrences(content: string | Buffer, needle: string) {
  let count = 0
  for (let at = content.indexOf(needle); at !== -1; at = content.indexOf(needle, at + 1)) count++
  return count
}

const encodable = new Map<string, boolean>()
function cp932Holds(character: string) {
  let holds = encodable.get(character)
  if (holds === undefined) {
    holds = iconv.encode(character, 'cp932').toString('latin1') !== '?'
    encodable.set(character, holds)
  }
  return holds
}

/**
 * Text as the file's bytes. In CP932, variants become CP932's forms; a
 * character CP932 has no form for becomes "?" (iconv-lite's
 * substitution) and is counted in `report`, with its line (`firstLine`
 * is the text's first line in the file). Only a piece whose bytes hold
 * more "?" than its text is read character by character.
 */
function bytesOf(text: string, encoding: CsvEncoding, report?: EncodingReport, firstLine = 1) {
  if (encoding !== 'cp932') return Buffer.from(text, 'utf8')
  const written = text.replace(CP932_VARIANT, (character) => CP932_FORMS[character])
  const bytes = iconv.encode(written, 'cp932')
  if (report && occurrences(bytes, '?') > occurrences(written, '?')) {
    let line = firstLine
    for (const character of written) {
      if (character === '\n') line++
      else if (character.charCodeAt(0) >= 0x80 && !cp932Holds(character)) {
        report.replaced++
        if (!report.characters.includes(character)) report.characters.push(character)
        if (report.lines.at(-1) !== line && report.lines.length < REPORTED_LINES) {
          report.lines.push(line)
        }
      }
    }
  }
  return bytes
}

/** A data cell as CSV text: neutralized (neutralizeCell), then quoted if it needs to be */
export function csvCell(value: unknown) {
  return cellText(neutralizeCell(value))
}

/**
 * RFC 4180 CSV (CRLF, quotes where needed) in the encoding municipal staff
 * open in Excel: UTF-8 with a BOM, or Shift_JIS (CP932), as pieces of
 * bytes. Written here rather than by csv-stringify, whose output it keeps
 * byte for byte: csv-stringify's sync API took 4× as long for the same
 * 200,000 rows (0.7–1.0 s against 0.17–0.24 s), a tenth of a million-row
 * export. Rows come a page at a time and are written and encoded in pieces
 * of many rows (encoding row by row cost more than the rows), so memory
 * stays flat; a row with more cells than the header is cut to its width.
 */
export function csvChunks(
  header: string[],
  pages: AsyncIterable<readonly (readonly unknown[])[]>,
  encoding: CsvEncoding,
  report?: EncodingReport
): AsyncGenerator<Buffer> {
  return csvTextChunks(header, recordsOf(pages, header.length), encoding, report)
}

/** Each page of rows as the text of its records */
async function* recordsOf(pages: AsyncIterable<readonly (readonly unknown[])[]>, width: number) {
  for await (const page of pages) {
    let text = ''
    for (const row of page) text += csvRecord(row, Math.min(row.length, width), true)
    yield text
  }
}

/**
 * csvChunks for records already written as CSV text (cells of csvCell,
 * commas, CRLF after each record), for an export that writes many rows of
 * few distinct cells and keeps their text. The bytes are those of the
 * same text in one piece: neither encoding carries a state across pieces.
 */
export async function* csvTextChunks(
  header: string[],
  records: AsyncIterable<string>,
  encoding: CsvEncoding,
  report?: EncodingReport
): AsyncGenerator<Buffer> {
  let text = `${encoding === 'utf8_bom' ? '\uFEFF' : ''}${csvRecord(header, header.length, false)}`
  // Counted only when a report is asked for: the lines of a replaced character
  let line = 1
  for await (const piece of records) {
    text += piece
    if (text.length >= CHUNK_CHARACTERS) {
      yield bytesOf(text, encoding, report, line)
      if (report) line += occurrences(text, '\n')
      text = ''
    }
  }
  yield bytesOf(text, encoding, report, line)
}

/** A page of each row, for a source that reads row by row */
async function* pagesOf(rows: AsyncIterable<unknown[]>) {
  for await (const row of rows) yield [row]
}

/** csvChunks as a byte stream, from rows read one at a time (a download) */
export function csvStream(
  header: string[],
  rows: AsyncIterable<unknown[]>,
  encoding: CsvEncoding
): Readable {
  return Readable.from(csvChunks(header, pagesOf(rows), encoding), { objectMode: false })
}

export function csvContentType(encoding: CsvEncoding) {
  return encoding === 'cp932' ? 'text/csv; charset=Shift_JIS' : 'text/csv; charset=utf-8'
}

/** RFC 6266 / RFC 8187: the UTF-8 name percent-encoded, with an ASCII fallback */
export function contentDisposition(name: string, asciiName: string) {
  const encoded = encodeURIComponent(name).replace(
    /['()*]/g,
    (character) => `%${character.charCodeAt(0).toString(16).toUpperCase()}`
  )
  const fallback = asciiName.replace(/["\\]/g, '_')
  return `attachment; filename="${fallback}"; filename*=UTF-8''${encoded}`
}

/**
 * The response headers of a CSV download: its type in its encoding, its
 * name (with an ASCII fallback for old clients), its size when known,
 * never cached (residents' data) and never sniffed as anything else.
 */
export function csvDownloadHeaders(
  encoding: CsvEncoding,
  file: { name: string; asciiName?: string; size?: number }
) {
  const headers: Record<string, string> = {
    'content-type': csvContentType(encoding),
    'content-disposition': contentDisposition(file.name, file.asciiName ?? file.name),
    'cache-control': 'no-store',
    'x-content-type-options': 'nosniff',
  }
  if (file.size !== undefined) headers['content-length'] = String(file.size)
  return headers
}
