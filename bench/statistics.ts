/*
| The statistics page and the usage month summary (issue 16): seeds N
| residents (BENCH_RESIDENTS, 300,000 by default; 30,000 for a quick run)
| with children on half of them, one lot each (created over 24 months),
| 3 visits each over the same 24 months at 5 facilities (most approved,
| some pending, released or cancelled) with their ledger entries, all
| with bulk SQL (INSERT … SELECT over a generated series). Then times, each
| the median of BENCH_REPEAT runs (5): what the statistics page reads (the
| month, its facilities and the 12-month table of each program, as
| StaffStatisticsController does for "every program") and the usage month
| summary (UsageSearch page 1 and its totals per status), against a count
| of the municipality's redemptions. Run with bench/statistics.sh (a
| fresh database per run).
*/
import { performance } from 'node:perf_hooks'
import { withApp } from './boot.js'
import { benchCityWithProvider } from './bench_city.js'
import { median, reportBench } from './report.js'

const RESIDENTS = Number(process.env.BENCH_RESIDENTS ?? 300_000)
const VISITS = RESIDENTS * 3
const REPEAT = Number(process.env.BENCH_REPEAT ?? 5)
const MONTH = '2026-06'
const FACILITIES = 5
/** 2025-01-01 00:00 in Japan, in milliseconds: the first lot's creation */
const FIRST_INSTANT = Date.UTC(2024, 11, 31, 15)
const HOURS = 730 * 24

await withApp(async () => {
  const { default: db } = await import('@adonisjs/lucid/services/db')
  const { default: UsageStatistics } = await import('#statistics/usage_statistics')
  const { default: UsageSearch } = await import('#usage/usage_search')
  const { ROLLUP_CHANGES_TABLE, ledgerRollupsFor, rebuildStatements } =
    await import('#ledger/ledger_rollups')

  const dialect = db.connection().dialect.name
  const postgres = dialect === 'postgres'
  const { municipalityId: m, providerId, now } = await benchCityWithProvider('bench-statistics')
  const facilityIds: number[] = []
  for (let index = 0; index < FACILITIES; index++) {
    const [facility] = await db
      .table('facilities')
      .insert({
        provider_id: providerId,
        name_ja: `ベンチ施設${index + 1}`,
        name_en: `Bench facility ${index + 1}`,
        created_at: now,
        updated_at: now,
      })
      .returning('id')
    facilityIds.push(Number(typeof facility === 'object' ? facility.id : facility))
  }

  /** n = 1..count, as a table: generate_series on PostgreSQL, a recursive CTE on SQLite */
  const series = (count: number) =>
    postgres
      ? `(SELECT generate_series(1, ${count}) AS n) AS seq`
      : `(WITH RECURSIVE s(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM s WHERE n < ${count}) SELECT n FROM s) AS seq`
  const text = (expression: string) => `CAST(${expression} AS TEXT)`
  /** A lot's creation: hours after the first instant (a timestamp on PostgreSQL, milliseconds on SQLite as the app writes them) */
  const createdAt = (hours: string) =>
    postgres
      ? `(TIMESTAMPTZ '2025-01-01 00:00:00+09' + (${hours}) * INTERVAL '1 hour')`
      : `(${FIRST_INSTANT} + (${hours}) * 3600000)`
  const visitDate = (days: string) =>
    postgres
      ? `TO_CHAR(DATE '2025-01-01' + (${days}), 'YYYY-MM-DD')`
      : `DATE('2025-01-01', '+' || (${days}) || ' days')`
  /** The program of resident number r (0-based): 1 in 4 single-parent home help */
  const program = (r: string) =>
    `CASE WHEN (${r}) % 4 = 3 THEN 'single_parent_home_help' ELSE 'postpartum_support' END`
  const programCode = (r: string) =>
    `CASE WHEN (${r}) % 4 = 3 THEN 'home_help' ELSE 'postpartum' END`

  // The rollups' triggers are left out while seeding and rebuilt once after it
  const rollups = ledgerRollupsFor(dialect)
  const seeding = performance.now()
  await db.transaction(async (trx) => {
    for (const statement of rollups.drop) await trx.rawQuery(statement)
    await trx.rawQuery(
      `INSERT INTO residents (municipality_id, resident_number, family_name, given_name,
         family_name_kana, given_name_kana, created_at, updated_at)
       SELECT ?, 'BS-' || ${text('n')}, '統計', '花子' || ${text('n % 100')}, 'トウケイ', 'ハナコ', ?, ?
       FROM ${series(RESIDENTS)}`,
      [m, now, now]
    )
    const first = await trx.from('residents').where('municipality_id', m).min('id as id').first()
    const base = Number(first.id)
    await trx.rawQuery(
      `INSERT INTO children (municipality_id, resident_id, birth_date, multiple_birth, created_at, updated_at)
       SELECT municipality_id, id, '2025-06-01', ${postgres ? 'false' : '0'}, ?, ?
       FROM residents WHERE municipality_id = ? AND id % 2 = 0`,
      [now, now, m]
    )
    await trx.rawQuery(
      `INSERT INTO ledger_lots (municipality_id, resident_id, plugin_id, program_code,
         definition_version, services, valid_from, valid_to, granted_minutes, available_minutes,
         status, copayment_tier, created_at)
       SELECT municipality_id, id, ${program('id - ?')}, ${programCode('id - ?')}, 'bench', '[]',
         '2025-01-01', '2027-03-31', 6000, 6000,
         CASE WHEN id % 50 = 0 THEN 'revoked' ELSE 'active' END, 'III',
         ${createdAt(`((id - ?) * 97) % ${HOURS}`)}
       FROM residents WHERE municipality_id = ?`,
      [base, base, base, m]
    )
    await trx.rawQuery(
      `INSERT INTO ledger_entries (municipality_id, resident_id, lot_id, kind, minutes,
         delta_available, created_at)
       SELECT municipality_id, resident_id, id, 'grant', granted_minutes, granted_minutes, ?
       FROM ledger_lots WHERE municipality_id = ?`,
      [now, m]
    )
    // Visit n: resident n % R, a day spread over the 24 months, a facility (1 in 10 none)
    const r = `(n % ${RESIDENTS})`
    await trx.rawQuery(
      `INSERT INTO ledger_redemptions (municipality_id, resident_id, plugin_id, program_code,
         service, visit_date, visit_start, minutes, status, idempotency_key, request_hash,
         provider_id, facility_id, created_at, resolved_at)
       SELECT ?, ? + ${r}, ${program(r)}, ${programCode(r)},
         CASE WHEN ${r} % 4 = 3 THEN (CASE WHEN n % 3 = 0 THEN 'childcare' ELSE 'housework' END)
           ELSE (CASE WHEN n % 3 = 0 THEN 'doula' ELSE 'home_helper' END) END,
         ${visitDate('(n * 37) % 730')}, CASE WHEN n % 7 = 0 THEN NULL ELSE '10:00' END,
         60 * (1 + n % 3),
         CASE n % 20 WHEN 0 THEN 'reserved' WHEN 1 THEN 'released' WHEN 2 THEN 'cancelled' ELSE 'posted' END,
         'bench-' || ${text('n')}, 'x',
         CASE WHEN n % 10 = 9 THEN NULL ELSE ${providerId} END,
         CASE WHEN n % 10 = 9 THEN NULL
           ELSE CASE n % ${FACILITIES} ${facilityIds.map((id, index) => `WHEN ${index} THEN ${id}`).join(' ')} END END,
         ?, ?
       FROM ${series(VISITS)}`,
      [m, base, now, now]
    )
    await trx.rawQuery(
      `INSERT INTO ledger_entries (municipality_id, resident_id, lot_id, redemption_id, kind,
         minutes, delta_available, created_at)
       SELECT r.municipality_id, r.resident_id, l.id, r.id, 'reserve', r.minutes, -r.minutes, ?
       FROM ledger_redemptions r JOIN ledger_lots l
         ON l.municipality_id = r.municipality_id AND l.resident_id = r.resident_id
       WHERE r.municipality_id = ?`,
      [now, m]
    )
    for (const statement of [...rollups.create, ...rebuildStatements(dialect)]) {
      await trx.rawQuery(statement)
    }
  })
  await db.rawQuery(postgres ? 'VACUUM ANALYZE' : 'ANALYZE')
  console.log(
    `database: ${dialect}; ${RESIDENTS} residents, ${RESIDENTS} lots, ${VISITS} visits seeded in ` +
      `${((performance.now() - seeding) / 1000).toFixed(1)} s; month ${MONTH}; median of ${REPEAT} runs`
  )

  const programs = [
    { pluginId: 'postpartum_support', programCode: 'postpartum' },
    { pluginId: 'single_parent_home_help', programCode: 'home_help' },
  ]
  /** What StaffStatisticsController.index reads for "every program" */
  async function statisticsPage() {
    const statistics = new UsageStatistics(m, null)
    const figures = await statistics.month(MONTH)
    const facilities = await statistics.facilities(MONTH)
    const months = UsageStatistics.twelveMonthsTo(MONTH)
    const history = []
    for (const ref of programs) history.push(await new UsageStatistics(m, ref).months(months))
    return { figures, facilities, history }
  }
  /** What StaffUsageController.index reads for a month */
  async function usageMonth() {
    const search = new UsageSearch(m, { month: MONTH })
    return { rows: await search.page(1), totals: await search.totals() }
  }
  async function time<T>(run: () => Promise<T>) {
    const runs = []
    let result: T | undefined
    for (let index = 0; index < REPEAT; index++) {
      const started = performance.now()
      result = await run()
      runs.push(performance.now() - started)
    }
    return { ms: median(runs), result: result as T }
  }

  const anchor = await time(() =>
    db.from('ledger_redemptions').where('municipality_id', m).count('* as count').first()
  )
  const statistics = await time(statisticsPage)
  const usage = await time(usageMonth)
  // Right after postings in the month: the page first folds what the ledger logged. The
  // log gets a posted visit of the month added and taken away, so the figures stay as seeded.
  const posted = await db
    .from('ledger_redemptions')
    .where({ municipality_id: m, status: 'posted' })
    .whereLike('visit_date', `${MONTH}-%`)
    .firstOrFail()
  const loggedVisit = (sign: number) => ({
    sign,
    kind: 'used',
    municipality_id: m,
    resident_id: posted.resident_id,
    plugin_id: posted.plugin_id,
    program_code: posted.program_code,
    service: posted.service,
    month: MONTH,
    facility_id: posted.facility_id ?? 0,
    status: 'posted',
    counts: 1,
    replaced: 0,
    minutes: posted.minutes,
  })
  const afterPosting = await time(async () => {
    await db.table(ROLLUP_CHANGES_TABLE).multiInsert([loggedVisit(1), loggedVisit(-1)])
    return statisticsPage()
  })
  const { figures, facilities } = statistics.result
  console.log(`count(*) of the redemptions ${anchor.ms.toFixed(1).padStart(9)} ms`)
  console.log(
    `statistics page              ${statistics.ms.toFixed(1).padStart(9)} ms  ` +
      `(${MONTH}: granted ${JSON.stringify(figures.granted)}, used ${JSON.stringify(figures.used)}, ` +
      `${facilities.length} facility rows)`
  )
  console.log(`after a posting            ${afterPosting.ms.toFixed(1).padStart(9)} ms`)
  console.log(
    `usage month summary          ${usage.ms.toFixed(1).padStart(9)} ms  ` +
      `(${usage.result.rows.length} rows, totals ${JSON.stringify(usage.result.totals)})`
  )
  for (const [path, measured] of [
    ['statistics page (month, facilities, 12 months × 2 programs)', statistics],
    ['usage month summary (page 1 and totals)', usage],
    ['statistics page right after postings in its month', afterPosting],
  ] as const) {
    reportBench({
      path: `${path} at ${RESIDENTS.toLocaleString('en')}`,
      db: dialect,
      figure: `${measured.ms.toFixed(0)} ms`,
      anchor: `count(*) of the redemptions ${anchor.ms.toFixed(0)} ms`,
      ratio: measured.ms / anchor.ms,
      goal: '< 300 ms',
      met: measured.ms < 300,
    })
  }
})
