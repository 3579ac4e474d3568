/*
| The staff residents list and its search (issue 16): seeds N residents
| (BENCH_RESIDENTS, 30,000 by default; 300,000 works too) with children on
| about half of them, then times, through ResidentDirectory.search as the
| staff page calls it: page 1, the middle page and the last page of the
| newest-first list, the middle page asked by number alone (a bookmark),
| and the searches ヤマダ (3+ characters, the trigram index) and 山田 (2
| characters). Each is the median of BENCH_REPEAT runs (5), printed with
| its ratio to page 1. Run with bench/residents_list.sh (a fresh database
| per run).
*/
import { performance } from 'node:perf_hooks'
import { withApp } from './boot.js'
import { reportBench } from './report.js'

const RESIDENTS = Number(process.env.BENCH_RESIDENTS ?? 30_000)
const REPEAT = Number(process.env.BENCH_REPEAT ?? 5)
const PAGE_SIZE = 25

// 40 family names: ヤマダ is 1 resident in 40 (2.5 %), about as common as in Japan
const FAMILY = [
  ['山田', 'ヤマダ'],
  ['佐藤', 'サトウ'],
  ['鈴木', 'スズキ'],
  ['高橋', 'タカハシ'],
  ['田中', 'タナカ'],
  ['伊藤', 'イトウ'],
  ['渡辺', 'ワタナベ'],
  ['中村', 'ナカムラ'],
  ['小林', 'コバヤシ'],
  ['加藤', 'カトウ'],
  ['吉田', 'ヨシダ'],
  ['山本', 'ヤマモト'],
  ['佐々木', 'ササキ'],
  ['松本', 'マツモト'],
  ['井上', 'イノウエ'],
  ['木村', 'キムラ'],
  ['林', 'ハヤシ'],
  ['斎藤', 'サイトウ'],
  ['清水', 'シミズ'],
  ['山口', 'ヤマグチ'],
  ['森', 'モリ'],
  ['池田', 'イケダ'],
  ['橋本', 'ハシモト'],
  ['阿部', 'アベ'],
  ['石川', 'イシカワ'],
  ['山下', 'ヤマシタ'],
  ['中島', 'ナカジマ'],
  ['石井', 'イシイ'],
  ['小川', 'オガワ'],
  ['前田', 'マエダ'],
  ['岡田', 'オカダ'],
  ['長谷川', 'ハセガワ'],
  ['藤田', 'フジタ'],
  ['後藤', 'ゴトウ'],
  ['近藤', 'コンドウ'],
  ['村上', 'ムラカミ'],
  ['遠藤', 'エンドウ'],
  ['青木', 'アオキ'],
  ['坂本', 'サカモト'],
  ['斉藤', 'サイトウ'],
]
const GIVEN = [
  ['花子', 'ハナコ'],
  ['一郎', 'イチロウ'],
  ['結衣', 'ユイ'],
  ['翔太', 'ショウタ'],
  ['陽菜', 'ヒナ'],
  ['蓮', 'レン'],
  ['美咲', 'ミサキ'],
  ['大翔', 'ヒロト'],
]

function median(values: number[]) {
  const sorted = [...values].sort((a, b) => a - b)
  return sorted[Math.floor(sorted.length / 2)]
}

await withApp(async () => {
  const { default: db } = await import('@adonisjs/lucid/services/db')
  const { default: Municipality } = await import('#tenancy/municipality')
  const { default: ResidentDirectory } = await import('#residents/resident_directory')

  const dialect = db.connection().dialect.name
  // knex writes a SQLite multi-row insert as UNION ALL selects: at most 500 of them
  const CHUNK = dialect === 'postgres' ? 1000 : 400
  const municipality = await Municipality.create({
    code: '999995',
    slug: `bench-residents-${Date.now()}`,
    nameJa: 'ベンチ市',
    nameEn: 'Bench City',
  })

  // Seed: multi-row inserts, one transaction; one resident a second, oldest first
  const seeding = performance.now()
  const start = Date.parse('2025-04-01T00:00:00Z')
  const stamp = (index: number) =>
    new Date(start + index * 1000).toISOString().replace('T', ' ').replace('Z', '')
  await db.transaction(async (trx) => {
    for (let from = 0; from < RESIDENTS; from += CHUNK) {
      const rows = []
      for (let index = from; index < Math.min(RESIDENTS, from + CHUNK); index++) {
        const [family, familyKana] = FAMILY[index % FAMILY.length]
        const [given, givenKana] = GIVEN[Math.floor(index / FAMILY.length) % GIVEN.length]
        rows.push({
          municipality_id: municipality.id,
          resident_number: `BR-${String(index).padStart(7, '0')}`,
          family_name: family,
          given_name: given,
          family_name_kana: familyKana,
          given_name_kana: givenKana,
          phone:
            index % 3 === 0
              ? `090-${String(index).padStart(8, '0').slice(0, 4)}-${String(index).padStart(8, '0').slice(4)}`
              : null,
          created_at: stamp(index),
          updated_at: stamp(index),
        })
      }
      await trx.table('residents').multiInsert(rows)
    }
    // Children: one for every other resident, twins for every tenth
    const ids = await trx
      .from('residents')
      .where('municipality_id', municipality.id)
      .orderBy('id')
      .select('id')
    for (let from = 0; from < ids.length; from += CHUNK) {
      const children = []
      for (const [offset, row] of ids.slice(from, from + CHUNK).entries()) {
        const index = from + offset
        const count = index % 10 === 0 ? 2 : index % 2 === 0 ? 1 : 0
        for (let child = 0; child < count; child++) {
          children.push({
            municipality_id: municipality.id,
            resident_id: row.id,
            birth_date: '2025-06-01',
            multiple_birth: count > 1,
            created_at: stamp(index),
            updated_at: stamp(index),
          })
        }
      }
      if (children.length) await trx.table('children').multiInsert(children)
    }
  })
  // What a deployment has after its import: fresh planner statistics
  await db.rawQuery(dialect === 'postgres' ? 'ANALYZE residents, children' : 'ANALYZE')
  console.log(
    `database: ${dialect}; ${RESIDENTS} residents seeded in ` +
      `${((performance.now() - seeding) / 1000).toFixed(1)} s; median of ${REPEAT} runs`
  )

  const directory = new ResidentDirectory(municipality.id)
  const by = {
    actorUserId: null,
    actorRole: 'municipal_staff',
    source: { channel: 'cli' as const },
  }
  const lastPage = Math.ceil(RESIDENTS / PAGE_SIZE)
  const middlePage = Math.ceil(lastPage / 2)
  // The resident that ends the page before the middle one (staff come from there, "next")
  const [beforeMiddle] = await db
    .from('residents')
    .where('municipality_id', municipality.id)
    .orderBy('created_at', 'desc')
    .orderBy('id', 'desc')
    .offset((middlePage - 1) * PAGE_SIZE - 1)
    .limit(1)
    .select('id')
  // Unchanged code has no keyset positions: it is asked by page number
  const keyset = 'nextCursor' in (await directory.search('', 1, by))

  async function time(label: string, at: () => Promise<{ residents: unknown[]; page: number }>) {
    const runs = []
    let shown = 0
    let page = 0
    for (let run = 0; run < REPEAT; run++) {
      const started = performance.now()
      const result = await at()
      runs.push(performance.now() - started)
      shown = result.residents.length
      page = result.page
    }
    return { label, ms: median(runs), shown, page }
  }

  const search = directory.search.bind(directory) as (
    query: string,
    at: number | object,
    actor: typeof by
  ) => Promise<{ residents: unknown[]; page: number; total: number }>
  const results = [
    await time('page 1', () => search('', 1, by)),
    await time(`middle page (${middlePage}, "next")`, () =>
      search('', keyset ? { page: middlePage, after: beforeMiddle.id } : middlePage, by)
    ),
    await time(`last page (${lastPage}, "last")`, () =>
      search('', keyset ? { last: true } : lastPage, by)
    ),
    await time(`middle page (${middlePage}, by number)`, () => search('', middlePage, by)),
    await time('search ヤマダ', () => search('ヤマダ', 1, by)),
    await time('search 山田 (2 chars)', () => search('山田', 1, by)),
  ]
  const base = results[0].ms
  for (const result of results) {
    console.log(
      `${result.label.padEnd(32)} ${result.ms.toFixed(1).padStart(9)} ms  ` +
        `×${(result.ms / base).toFixed(1).padStart(6)}  (page ${result.page}, ${result.shown} rows)`
    )
  }
  const found = await search('ヤマダ', 1, by)
  console.log(`ヤマダ: ${found.total} residents found`)

  const worst = Math.max(...results.slice(1, 4).map((result) => result.ms))
  reportBench({
    path: `residents list, slowest of middle/last pages at ${RESIDENTS.toLocaleString('en')}`,
    db: dialect,
    figure: `${worst.toFixed(0)} ms`,
    anchor: `page 1 ${base.toFixed(0)} ms`,
    ratio: worst / base,
    goal: '< 300 ms at 300k',
    met: worst < 300,
  })
  const yamada = results[4].ms
  reportBench({
    path: `name search ヤマダ at ${RESIDENTS.toLocaleString('en')}`,
    db: dialect,
    figure: `${yamada.toFixed(0)} ms`,
    anchor: `page 1 ${base.toFixed(0)} ms`,
    ratio: yamada / base,
    goal: '< 100 ms',
    met: yamada < 100,
  })
})
