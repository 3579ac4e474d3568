import { test } from '@japa/runner'
import { copyTextRows } from '#shared/copy_text_rows'

/** COPY text as PostgreSQL writes it: NULL, escapes, Japanese (3-byte UTF-8) and an emoji */
const COPY_TEXT =
  '1\t港 花子\t\\N\t2026-11-01\n' +
  '2\t=HYPERLINK("x")\t芝浦, "引用"\t\\N\n' +
  '3\ta\\tb\\\\c\t髙橋\\n次郎\\r\t😀\n'

const EXPECTED = [
  ['1', '港 花子', null, '2026-11-01'],
  ['2', '=HYPERLINK("x")', '芝浦, "引用"', null],
  ['3', 'a\tb\\c', '髙橋\n次郎\r', '😀'],
]

async function rowsOf(pieces: Buffer[]) {
  async function* chunks() {
    yield* pieces
  }
  const rows: (string | null)[][] = []
  for await (const batch of copyTextRows(chunks())) rows.push(...batch)
  return rows
}

test.group('COPY text rows', () => {
  test('NULL, escapes and multi-byte text read back as the values', async ({ assert }) => {
    assert.deepEqual(await rowsOf([Buffer.from(COPY_TEXT)]), EXPECTED)
  })

  test('the same rows wherever the stream is cut: mid-line, mid-escape, mid-character', async ({
    assert,
  }) => {
    const bytes = Buffer.from(COPY_TEXT)
    for (let cut = 1; cut < bytes.length; cut++) {
      const rows = await rowsOf([bytes.subarray(0, cut), bytes.subarray(cut)])
      assert.deepEqual(rows, EXPECTED, `cut at byte ${cut}`)
    }
    const byteByByte = [...bytes].map((byte) => Buffer.from([byte]))
    assert.deepEqual(await rowsOf(byteByByte), EXPECTED)
  })

  test('a stream that stops inside a line is an error, not a shorter file', async ({ assert }) => {
    await assert.rejects(() => rowsOf([Buffer.from('1\ta\n2\tb')]), /middle of a line/)
  })
})
