/*
| The rows of `COPY (…) TO STDOUT` in PostgreSQL's text format: columns
| between tabs, one row a line, NULL as \N, and a backslash before a
| backslash, tab or line break inside a value (b f n r t v for the control
| characters). The reading side of copyCell in resident_bulk_writes.ts.
*/

const NEWLINE = 0x0a
const UNESCAPED: Record<string, string> = {
  b: '\b',
  f: '\f',
  n: '\n',
  r: '\r',
  t: '\t',
  v: '\v',
}
const ESCAPE = /\\(.)/g

function unescapeCell(text: string) {
  return text.replace(ESCAPE, (_, character: string) => UNESCAPED[character] ?? character)
}

function cellOf(text: string): string | null {
  if (text === '\\N') return null
  return text.includes('\\') ? unescapeCell(text) : text
}

/** The rows of one piece of COPY text that ends with a line break */
function rowsOf(text: string) {
  const rows: (string | null)[][] = []
  let start = 0
  while (start < text.length) {
    const end = text.indexOf('\n', start)
    const row: (string | null)[] = []
    let cellStart = start
    for (;;) {
      const tab = text.indexOf('\t', cellStart)
      if (tab === -1 || tab > end) break
      row.push(cellOf(text.slice(cellStart, tab)))
      cellStart = tab + 1
    }
    row.push(cellOf(text.slice(cellStart, end)))
    rows.push(row)
    start = end + 1
  }
  return rows
}

/**
 * The rows of a COPY's byte stream, a batch for each piece the server sent
 * (its whole lines; a line cut between pieces waits for the rest, as bytes,
 * so a character cut in two is decoded whole).
 */
export async function* copyTextRows(
  chunks: AsyncIterable<Buffer>
): AsyncGenerator<(string | null)[][]> {
  let rest: Buffer | null = null
  for await (const chunk of chunks) {
    const bytes: Buffer = rest ? Buffer.concat([rest, chunk]) : chunk
    const lastLine = bytes.lastIndexOf(NEWLINE)
    if (lastLine === -1) {
      rest = bytes
      continue
    }
    rest = lastLine + 1 < bytes.length ? bytes.subarray(lastLine + 1) : null
    yield rowsOf(bytes.toString('utf8', 0, lastLine + 1))
  }
  if (rest) throw new Error('COPY text ended in the middle of a line')
}
