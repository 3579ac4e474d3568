import { test } from '@japa/runner'
import { buffer } from 'node:stream/consumers'
import iconv from 'iconv-lite'
import { csvStream, neutralizeCell } from '#csv/csv_export'

async function* rowsOf(rows: unknown[][]) {
  yield* rows
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
})
