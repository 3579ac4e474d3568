import { Readable } from 'node:stream'
import { stringify } from 'csv-stringify'
import iconv from 'iconv-lite'

export type CsvEncoding = 'utf8_bom' | 'cp932'

const FORMULA_TRIGGERS = /^[=+\-@\t\r]/

/**
 * A text cell that a spreadsheet would read as a formula (= + - @ tab CR
 * at the start) is prefixed with an apostrophe (ASVS 1.2.10). Numbers stay
 * numbers.
 */
export function neutralizeCell(value: unknown): unknown {
  if (typeof value === 'string' && FORMULA_TRIGGERS.test(value)) return `'${value}`
  return value
}

/**
 * Streams rows as RFC 4180 CSV (CRLF, quotes where needed) in the encoding
 * municipal staff open in Excel: UTF-8 with a BOM, or Shift_JIS (CP932).
 * Rows are pulled one batch at a time, so memory stays flat.
 */
export function csvStream(
  header: string[],
  rows: AsyncIterable<unknown[]>,
  encoding: CsvEncoding
): Readable {
  const csv = stringify({
    header: true,
    columns: header,
    bom: encoding === 'utf8_bom',
    record_delimiter: '\r\n',
    // A lone LF or CR inside a cell must be quoted too (RFC 4180).
    quoted_match: /[\r\n]/,
    cast: { boolean: (value) => (value ? '1' : '0') },
  })
  const source = Readable.from(
    (async function* () {
      for await (const row of rows) yield row.map(neutralizeCell)
    })()
  )
  source.on('error', (error) => csv.destroy(error))
  source.pipe(csv)
  if (encoding === 'utf8_bom') return csv

  // Characters CP932 cannot hold become "?" (iconv-lite's substitution).
  csv.setEncoding('utf8')
  const encoder = iconv.encodeStream('cp932')
  csv.on('error', (error) => encoder.emit('error', error))
  return csv.pipe(encoder) as unknown as Readable
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
