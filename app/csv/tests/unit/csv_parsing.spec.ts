import { test } from '@japa/runner'
import { CsvReadError, parseCsvText, type CsvRecord } from '#csv/csv_decoding'

/** A file of `rows` data rows, each `氏名` padded so the rows are long */
function fileOf(rows: number, name: string) {
  const lines = ['利用者ID,氏']
  for (let index = 0; index < rows; index++) lines.push(`R${index},${name}`)
  return lines.join('\r\n') + '\r\n'
}

test.group('CSV parsing', () => {
  test('rows are numbered as a spreadsheet numbers them, a quoted line break inside its row', async ({
    assert,
  }) => {
    const records: CsvRecord[] = []
    await parseCsvText('ID,メモ\r\nA,"1行目\r\n2行目"\r\nB,x\r\n', (record) => records.push(record))
    assert.deepEqual(records, [
      { row: 1, cells: ['ID', 'メモ'] },
      { row: 2, cells: ['A', '1行目\r\n2行目'] },
      { row: 3, cells: ['B', 'x'] },
    ])
  })

  test('a character of two UTF-16 halves (𠮷) is kept wherever the text is cut into pieces', async ({
    assert,
  }) => {
    // Rows long enough that the parser's 64 KiB pieces fall at many places in the names
    const name = '𠮷野'.repeat(7)
    const names = new Set<string>()
    let rows = 0
    await parseCsvText(fileOf(20_000, name), (record) => {
      if (record.row > 1) names.add(record.cells[1])
      rows = record.row
    })
    assert.equal(rows, 20_001)
    assert.deepEqual([...names], [name])
  })

  test('a large file gives other work a turn while it is parsed', async ({ assert }) => {
    let otherWorkRan = false
    setImmediate(() => (otherWorkRan = true))
    let ranBeforeTheLastRow = false
    await parseCsvText(fileOf(10_000, '山田'), (record) => {
      if (record.row === 10_001) ranBeforeTheLastRow = otherWorkRan
    })
    assert.isTrue(ranBeforeTheLastRow)
  })

  test('an unclosed quote is refused as malformed, with the row the parse stopped at', async ({
    assert,
  }) => {
    const error = await parseCsvText('ID,氏\r\nA,山田\r\nB,"佐藤\r\n', () => {}).catch(
      (refusal) => refusal
    )
    assert.instanceOf(error, CsvReadError)
    assert.equal(error.reason, 'malformed')
    assert.equal(error.row, 3)
  })
})
