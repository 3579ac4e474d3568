/*
| The resident file a ward's clerk would upload, generated for the CSV
| benches: Japanese headers, mixed date forms, a child on every other row,
| in UTF-8 with BOM or, with BENCH_CSV_ENCODING=cp932, in CP932.
*/
import iconv from 'iconv-lite'
import type { BareRow } from './csv_import_anchor.js'

export const ENCODING = process.env.BENCH_CSV_ENCODING === 'cp932' ? 'cp932' : 'utf8_bom'

const FAMILY = [
  ['山田', 'ヤマダ'],
  ['佐藤', 'サトウ'],
  ['髙橋', 'タカハシ'],
  ['渡邉', 'ワタナベ'],
]
const GIVEN = [
  ['花子', 'ハナコ'],
  ['一郎', 'イチロウ'],
  ['結衣', 'ユイ'],
  ['翔太', 'ショウタ'],
]

const pad2 = (value: number) => String(value).padStart(2, '0')

/**
 * The file staff would upload: Japanese headers, mixed date forms, some
 * full-width digits; and its rows as the import stores them (the anchor's).
 */
export function generateCsv(rows: number, renamed: boolean) {
  const lines = ['利用者ID,氏,名,氏（カナ）,名（カナ）,電話番号,子の出産予定日,子の生年月日,多胎']
  const stored: BareRow[] = []
  for (let index = 0; index < rows; index++) {
    const [family, familyKana] = FAMILY[index % FAMILY.length]
    const [given, givenKana] = GIVEN[Math.floor(index / 4) % GIVEN.length]
    const month = (index % 12) + 1
    const day = (index % 28) + 1
    const phone = index % 3 === 0 ? `090-${String(index % 10_000).padStart(4, '0')}-0000` : ''
    const dueDate = index % 2 === 0 ? `令和8年${month}月${day}日` : ''
    const birthDate = index % 4 === 1 ? `2025/${month}/${day}` : ''
    const hasChild = Boolean(dueDate || birthDate)
    const residentNumber = `BN-${String(index).padStart(7, '0')}`
    const familyName = renamed ? `${family}改` : family
    lines.push(
      [
        residentNumber,
        familyName,
        given,
        familyKana,
        givenKana,
        phone,
        dueDate,
        birthDate,
        hasChild ? String(index % 50 === 0 ? 1 : 0) : '',
      ].join(',')
    )
    stored.push([
      residentNumber,
      familyName,
      given,
      familyKana,
      givenKana,
      phone || null,
      dueDate ? `2026-${pad2(month)}-${pad2(day)}` : null,
      birthDate ? `2025-${pad2(month)}-${pad2(day)}` : null,
      hasChild ? index % 50 === 0 : null,
    ])
  }
  const text = lines.join('\r\n') + '\r\n'
  const bytes =
    ENCODING === 'cp932' ? iconv.encode(text, 'cp932') : Buffer.from(`\uFEFF${text}`, 'utf8')
  return { bytes, stored }
}
