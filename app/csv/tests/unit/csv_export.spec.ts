import { test } from '@japa/runner'
import { buffer } from 'node:stream/consumers'
import iconv from 'iconv-lite'
import {
  type CsvEncoding,
  csvCell,
  csvChunks,
  csvStream,
  csvTextChunks,
  emptyEncodingReport,
  neutralizeCell,
} from '#csv/csv_export'

async function* rowsOf(rows: unknown[][]) {
  yield* rows
}

async function* piecesOf<Piece>(pieces: Piece[]) {
  yield* pieces
}

async function bytesOf(chunks: AsyncIterable<Buffer>) {
  const pieces: Buffer[] = []
  for await (const chunk of chunks) pieces.push(chunk)
  return Buffer.concat(pieces)
}

/**
 * 6,000 rows of Japanese names, formulas, quotes, numbers and empty cells:
 * over 256 K characters, so the file is encoded in several pieces
 */
function manyRows() {
  return Array.from({ length: 6000 }, (_, index) => [
    `髙橋 花子${index % 97}`,
    index % 5 === 0 ? '=SUM(A1)' : '芝浦, "引用"',
    index % 7 === 0 ? null : Math.round((index / 60) * 100) / 100,
    `2026-11-${String(1 + (index % 30)).padStart(2, '0')}`,
    index,
  ])
}

test.group('CSV export', () => {
  test('text cells that spreadsheets would run as formulas are neutralized', ({ assert }) => {
    for (const dangerous of ['=1+1', '+1', '-1+2', '@SUM(A1)', '\tcmd', '\rcmd']) {
      assert.equal(neutralizeCell(dangerous), `'${dangerous}`)
    }
    assert.equal(neutralizeCell('山田 花子'), '山田 花子')
    assert.equal(neutralizeCell(-5), -5)
    assert.isNull(neutralizeCell(null))
  })

  test('RFC 4180: CRLF records, quotes doubled, commas and newlines quoted', async ({ assert }) => {
    const stream = csvStream(
      ['名前', 'メモ'],
      rowsOf([
        ['a,b', 'say "hi"'],
        ['line1\nline2', null],
      ]),
      'utf8_bom'
    )
    const output = await buffer(stream)
    assert.deepEqual([...output.subarray(0, 3)], [0xef, 0xbb, 0xbf])
    assert.equal(
      output.subarray(3).toString('utf8'),
      '名前,メモ\r\n"a,b","say ""hi"""\r\n"line1\nline2",\r\n'
    )
  })

  test('Shift_JIS output decodes back to the same Japanese text', async ({ assert }) => {
    const stream = csvStream(['利用者ID', '氏名'], rowsOf([['MN-000101', '髙橋 花子']]), 'cp932')
    const chunks: Buffer[] = []
    for await (const chunk of stream) chunks.push(Buffer.from(chunk))
    assert.equal(
      iconv.decode(Buffer.concat(chunks), 'cp932'),
      '利用者ID,氏名\r\nMN-000101,髙橋 花子\r\n'
    )
  })

  test('the same bytes in both encodings however the rows are paged, as text or as cells', async ({
    assert,
  }) => {
    const header = ['氏名', 'メモ', '時間', '日付', 'ID']
    const rows = manyRows()
    for (const encoding of ['utf8_bom', 'cp932'] as CsvEncoding[]) {
      const whole = await bytesOf(csvChunks(header, piecesOf([rows]), encoding))
      const text = `${encoding === 'utf8_bom' ? '\uFEFF' : ''}${header.join(',')}\r\n${rows
        .map((row) => `${row.map(csvCell).join(',')}\r\n`)
        .join('')}`
      const inOnePiece =
        encoding === 'cp932' ? iconv.encode(text, 'cp932') : Buffer.from(text, 'utf8')
      assert.isTrue(whole.equals(inOnePiece), `${encoding}: rows in one page`)
      for (const size of [1, 7, 4999]) {
        const pages: unknown[][][] = []
        for (let start = 0; start < rows.length; start += size) {
          pages.push(rows.slice(start, start + size))
        }
        const paged = await bytesOf(csvChunks(header, piecesOf(pages), encoding))
        assert.isTrue(paged.equals(whole), `${encoding}: pages of ${size} rows`)
        const records = pages.map((page) =>
          page.map((row) => `${row.map(csvCell).join(',')}\r\n`).join('')
        )
        const written = await bytesOf(csvTextChunks(header, piecesOf(records), encoding))
        assert.isTrue(written.equals(whole), `${encoding}: records in pages of ${size}`)
      }
    }
  })
})

test.group('CSV export: what CP932 can hold', () => {
  test('JIS and Unicode variants typed on Macs and phones are written as CP932 forms', async ({
    assert,
  }) => {
    const report = emptyEncodingReport()
    const rows = [
      ['9:00〜17:00', '1丁目2−3', 'A—B'],
      ['¢ £ ¬ ‖', '¥1,000', 'a‾b'],
    ]
    const bytes = await bytesOf(
      csvChunks(['時間', '住所', '記号'], piecesOf([rows]), 'cp932', report)
    )
    const lines = iconv.decode(bytes, 'cp932').split('\r\n')
    assert.deepEqual(lines.slice(1, 3), ['9:00～17:00,1丁目2－3,A―B', '￠ ￡ ￢ ∥,"￥1,000",a￣b'])
    assert.notInclude(iconv.decode(bytes, 'cp932'), '?')
    assert.deepEqual(report, { replaced: 0, characters: [], lines: [] })
  })

  test('a character CP932 has no form for is counted with its line, never silently', async ({
    assert,
  }) => {
    const report = emptyEncodingReport()
    const rows = [
      ['𠮷田', '剝子'],
      ['本当?', 'はい'],
      ['𠮷野', '𠮷'],
    ]
    const bytes = await bytesOf(csvChunks(['氏', '名'], piecesOf([rows]), 'cp932', report))
    assert.equal(iconv.decode(bytes, 'cp932'), '氏,名\r\n?田,?子\r\n本当?,はい\r\n?野,?\r\n')
    // a "?" typed by someone is not a replacement
    assert.deepEqual(report, { replaced: 4, characters: ['𠮷', '剝'], lines: [2, 4] })
  })

  test('lines are counted across the pieces a large file is encoded in', async ({ assert }) => {
    const report = emptyEncodingReport()
    const rows = manyRows()
    rows[5000][0] = '𠮷川'
    const bytes = await bytesOf(
      csvChunks(['a', 'b', 'c', 'd', 'e'], piecesOf([rows]), 'cp932', report)
    )
    const lines = iconv.decode(bytes, 'cp932').split('\r\n')
    assert.equal(lines[report.lines[0] - 1].slice(0, 3), '?川,')
    assert.deepEqual(report.lines, [5002])
  })

  test('UTF-8 writes every character as it is', async ({ assert }) => {
    const bytes = await bytesOf(csvChunks(['氏'], piecesOf([[['𠮷田〜']]]), 'utf8_bom'))
    assert.equal(bytes.toString('utf8'), '\uFEFF氏\r\n𠮷田〜\r\n')
  })
})
