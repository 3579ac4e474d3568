import iconv from 'iconv-lite'
import { setImmediate as nextTurn } from 'node:timers/promises'
import { Readable } from 'node:stream'
import { CsvError, parse } from 'csv-parse'

/** How an uploaded CSV was encoded: Excel saves UTF-8 with a BOM, or Shift_JIS (CP932) */
export type CsvSourceEncoding = 'utf8' | 'utf8_bom' | 'cp932'

/**
 * Why bytes cannot be read as a CSV file:
 * - empty: no bytes, or nothing but blanks
 * - excel_workbook: an .xlsx/.xls workbook, not saved as CSV
 * - utf16: "Unicode text" (UTF-16), which Excel saves tab-separated
 * - not_csv: binary content (NUL or control bytes, an image, a PDF, a zip)
 * - unreadable: neither valid UTF-8 nor valid Shift_JIS
 * - malformed: not RFC 4180 (an unclosed or stray quote)
 */
export type CsvReadRefusal =
  'empty' | 'excel_workbook' | 'utf16' | 'not_csv' | 'unreadable' | 'malformed'

export class CsvReadError extends Error {
  constructor(
    readonly reason: CsvReadRefusal,
    /** Spreadsheet row (1 = first line) where parsing stopped, for `malformed` */
    readonly row: number | null = null
  ) {
    super(`CSV refused: ${reason}${row ? ` at row ${row}` : ''}`)
  }
}

const UTF8_BOM = [0xef, 0xbb, 0xbf]
const SIGNATURES: { bytes: number[]; reason: CsvReadRefusal }[] = [
  { bytes: [0x50, 0x4b, 0x03, 0x04], reason: 'excel_workbook' }, // zip: .xlsx
  { bytes: [0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1], reason: 'excel_workbook' }, // OLE2: .xls
  { bytes: [0xff, 0xfe], reason: 'utf16' },
  { bytes: [0xfe, 0xff], reason: 'utf16' },
]
// Old DOS tools end a text file with Ctrl-Z (EOF); harmless, so dropped.
const EOF_MARK = '\u001A'

/** Text files hold tabs and line breaks, never other C0 controls or DEL */
function hasControlCharacter(text: string) {
  for (let index = 0; index < text.length; index++) {
    const code = text.charCodeAt(index)
    if (code === 0x7f || (code < 0x20 && code !== 0x09 && code !== 0x0a && code !== 0x0d)) {
      return true
    }
  }
  return false
}

function startsWith(bytes: Uint8Array, prefix: number[]) {
  return prefix.length <= bytes.length && prefix.every((byte, index) => bytes[index] === byte)
}

/**
 * Decodes an uploaded file to text: UTF-8 (with or without a BOM) when the
 * bytes are valid UTF-8, otherwise Shift_JIS as Windows writes it (CP932).
 * Anything that is not text is refused with the reason, never guessed at.
 */
export function decodeCsvBytes(bytes: Uint8Array): { text: string; encoding: CsvSourceEncoding } {
  if (bytes.length === 0) throw new CsvReadError('empty')
  for (const signature of SIGNATURES) {
    if (startsWith(bytes, signature.bytes)) throw new CsvReadError(signature.reason)
  }
  // NUL never appears in UTF-8 or CP932 text; it does in every binary format.
  if (bytes.includes(0)) throw new CsvReadError('not_csv')

  let text: string
  let encoding: CsvSourceEncoding
  const hasBom = startsWith(bytes, UTF8_BOM)
  try {
    text = new TextDecoder('utf-8', { fatal: true, ignoreBOM: false }).decode(bytes)
    encoding = hasBom ? 'utf8_bom' : 'utf8'
  } catch {
    if (hasBom) throw new CsvReadError('unreadable')
    text = iconv.decode(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength), 'cp932')
    // iconv-lite puts U+FFFD where a byte sequence is not CP932.
    if (text.includes('\uFFFD')) throw new CsvReadError('unreadable')
    encoding = 'cp932'
  }

  if (text.endsWith(EOF_MARK)) text = text.slice(0, -1)
  if (hasControlCharacter(text)) throw new CsvReadError('not_csv')
  if (text.trim() === '') throw new CsvReadError('empty')
  return { text, encoding }
}

export type CsvRecord = { row: number; cells: string[] }

/**
 * Parses RFC 4180 text (quoted fields, embedded line breaks, CRLF or LF)
 * into records numbered as a spreadsheet numbers its rows (the header is
 * row 1; a field's embedded line break does not start a new row).
 * `visit` sees each record as it is parsed and may stop the parse by
 * throwing (a row limit), so memory stays bounded by what it keeps.
 * The parse gives the event loop a turn every YIELD_EVERY_RECORDS records:
 * a ward's 100,000-row file took the server away from every other request
 * for over a second when parsed in one go.
 */
export async function parseCsvText(text: string, visit: (record: CsvRecord) => void) {
  const parser = Readable.from(textChunks(text)).pipe(
    parse({ relax_column_count: true, skip_empty_lines: false, info: true })
  )
  try {
    let visited = 0
    for await (const { record, info } of parser as AsyncIterable<ParsedRecord>) {
      visit({ row: info.records, cells: record })
      if (++visited % YIELD_EVERY_RECORDS === 0) await nextTurn()
    }
  } catch (error) {
    if (error instanceof CsvError) {
      const records = (error as CsvError & { records?: number }).records ?? 0
      throw new CsvReadError('malformed', records + 1)
    }
    throw error
  } finally {
    parser.destroy()
  }
}

const YIELD_EVERY_RECORDS = 2_000
const TEXT_CHUNK = 64 * 1024

type ParsedRecord = { record: string[]; info: { records: number } }

/**
 * The text in pieces for the parser's stream (a string would be one
 * piece), never cutting between the two halves of a surrogate pair (𠮷):
 * each piece is encoded to UTF-8 on its own.
 */
function* textChunks(text: string) {
  for (let at = 0; at < text.length;) {
    let end = Math.min(at + TEXT_CHUNK, text.length)
    const last = text.charCodeAt(end - 1)
    if (end < text.length && last >= 0xd800 && last <= 0xdbff) end--
    yield text.slice(at, end)
    at = end
  }
}
