/*
| CSV usage export: rows per second and peak memory for the month export
| (施設別利用実績, detail and totals) of 1,000,000 approved redemptions by
| default, through the same service the export job runs (UsageExports.write:
| pages from the database, streamed into the file). The redemptions are
| inserted with bulk SQL (INSERT … SELECT over a generated series), one
| reserve entry each, spread over 10,000 residents and one facility, each
| day's visits spread over the whole table. Run with bench/csv_export.sh (a
| fresh database per run).
|
| The anchor, measured in the same run after the exports: the same join in
| the same order (redemptions of the month, their residents, places and
| lots), read without the export's work:
| - PostgreSQL: `COPY (…) TO STDOUT WITH (FORMAT csv)` through the app's own
|   pg client (pg-copy-streams), bytes counted and dropped;
| - SQLite: the same SELECT through db.rawQuery, each row visited in a plain
|   loop.
| Printed as BENCH lines for `npm run bench` (bench/report.ts).
*/
import { performance } from 'node:perf_hooks'
import { rm, stat } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { withApp } from './boot.js'
import { benchCityWithProvider } from './bench_city.js'
import { reportBench } from './report.js'

const ROWS = Number(process.env.BENCH_CSV_EXPORT_ROWS ?? 1_000_000)
const RESIDENTS = Math.min(10_000, ROWS)
const ENCODING = process.env.BENCH_CSV_ENCODING === 'cp932' ? 'cp932' : 'utf8_bom'
const MEGABYTE = 1024 * 1024
const megabytes = (bytes: number) => (bytes / MEGABYTE).toFixed(0)
const GOAL_ROWS_PER_SECOND = 100_000
const GOAL_RSS_MEGABYTES = 256
const perSecond = (rows: number, seconds: number) => Math.round(rows / seconds)

await withApp(async () => {
  const { default: db } = await import('@adonisjs/lucid/services/db')
  const { default: i18nManager } = await import('@adonisjs/i18n/services/main')
  const { default: UsageExports } = await import('#usage/usage_exports')

  const dialect = db.connection().dialect.name
  const { municipalityId: m, providerId, now } = await benchCityWithProvider('bench-export')
  const [facility] = await db
    .table('facilities')
    .insert({
      provider_id: providerId,
      name_ja: 'ベンチ施設',
      name_en: 'Bench facility',
      created_at: now,
      updated_at: now,
    })
    .returning('id')
  const facilityId = Number(typeof facility === 'object' ? facility.id : facility)

  /** n = 1..count, as a table: generate_series on PostgreSQL, a recursive CTE on SQLite */
  const series = (count: number) =>
    dialect === 'postgres'
      ? `(SELECT generate_series(1, ${count}) AS n) AS seq`
      : `(WITH RECURSIVE s(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM s WHERE n < ${count}) SELECT n FROM s) AS seq`
  const text = (expression: string) =>
    dialect === 'postgres' ? `CAST(${expression} AS TEXT)` : `CAST(${expression} AS TEXT)`
  const pad2 = (expression: string) =>
    dialect === 'postgres'
      ? `LPAD(CAST(${expression} AS TEXT), 2, '0')`
      : `SUBSTR('0' || CAST(${expression} AS TEXT), -2)`

  const started = performance.now()
  await db.rawQuery(
    `INSERT INTO residents (municipality_id, resident_number, family_name, given_name,
       family_name_kana, given_name_kana, created_at, updated_at)
     SELECT ?, 'BX-' || ${text('n')}, '山田', '花子' || ${text('n % 100')}, 'ヤマダ', 'ハナコ', ?, ?
     FROM ${series(RESIDENTS)}`,
    [m, now, now]
  )
  await db.rawQuery(
    `INSERT INTO ledger_lots (municipality_id, resident_id, plugin_id, program_code,
       definition_version, services, valid_from, valid_to, granted_minutes, available_minutes,
       status, copayment_tier, created_at)
     SELECT municipality_id, id, 'single_parent_home_help', 'home_help', '2025-04',
       '["housework","childcare"]', '2026-04-01', '2027-03-31', 1000000, 1000000, 'active', 'III', ?
     FROM residents WHERE municipality_id = ?`,
    [now, m]
  )
  const firstResident = await db
    .from('residents')
    .where('municipality_id', m)
    .min('id as id')
    .first()
  const base = Number(firstResident.id)
  await db.rawQuery(
    `INSERT INTO ledger_redemptions (municipality_id, resident_id, plugin_id, program_code,
       service, visit_date, visit_start, minutes, status, idempotency_key, request_hash,
       provider_id, facility_id, created_at, resolved_at)
     SELECT ?, ? + (n % ${RESIDENTS}), 'single_parent_home_help', 'home_help',
       CASE WHEN n % 3 = 0 THEN 'childcare' ELSE 'housework' END,
       '2026-11-' || ${pad2('1 + n % 30')}, ${pad2('7 + n % 12')} || ':00',
       60 * (1 + n % 2), 'posted', 'bench-' || ${text('n')}, 'x', ?, ?, ?, ?
     FROM ${series(ROWS)}`,
    [m, base, providerId, facilityId, now, now]
  )
  await db.rawQuery(
    `INSERT INTO ledger_entries (municipality_id, resident_id, lot_id, redemption_id, kind,
       minutes, delta_available, created_at)
     SELECT r.municipality_id, r.resident_id, l.id, r.id, 'reserve', r.minutes, -r.minutes, ?
     FROM ledger_redemptions r JOIN ledger_lots l
       ON l.municipality_id = r.municipality_id AND l.resident_id = r.resident_id
     WHERE r.municipality_id = ?`,
    [now, m]
  )
  // The tables as they are in service: planner statistics and, on
  // PostgreSQL, what autovacuum does to a loaded table (hint bits, the
  // visibility map). Without it the first reader of the freshly loaded
  // table, export or anchor, rewrites every page it reads.
  await db.rawQuery(dialect === 'postgres' ? 'VACUUM ANALYZE' : 'ANALYZE')
  const seeded = (performance.now() - started) / 1000
  console.log(
    `database: ${dialect}; inserted ${ROWS} redemptions (+ entries), ${RESIDENTS} residents ` +
      `in ${seeded.toFixed(1)} s`
  )

  const path = join(tmpdir(), `bench-export-${process.pid}.csv`)
  const exports = new UsageExports(m, i18nManager.locale('ja'))
  const measured: { format: string; rate: number; peakMegabytes: number }[] = []
  for (const format of ['facility_month', 'facility_month_totals'] as const) {
    globalThis.gc?.()
    const before = process.memoryUsage.rss()
    let peak = before
    const sampler = setInterval(() => {
      peak = Math.max(peak, process.memoryUsage.rss())
    }, 20)
    const begin = performance.now()
    const { rows } = await exports.write({ format, month: '2026-11' }, ENCODING, path)
    const seconds = (performance.now() - begin) / 1000
    clearInterval(sampler)
    peak = Math.max(peak, process.memoryUsage.rss())
    const { size } = await stat(path)
    console.log(
      `${format.padEnd(22)}: ${rows} rows read in ${seconds.toFixed(1)} s = ` +
        `${perSecond(rows, seconds)} rows/s; file ${(size / MEGABYTE).toFixed(1)} MB (${ENCODING}); ` +
        `RSS ${megabytes(before)} → peak ${megabytes(peak)} MB (+${megabytes(peak - before)})`
    )
    measured.push({
      format,
      rate: perSecond(rows, seconds),
      peakMegabytes: Math.round(peak / MEGABYTE),
    })
    await rm(path, { force: true })
  }
  console.log(
    `process peak RSS (getrusage): ${(process.resourceUsage().maxRSS / 1024).toFixed(0)} MB`
  )

  // The anchor: the export's join, in its order, with nothing done to the rows
  const [from, to] = ['2026-11-01', '2026-12-01']
  const joinSql = `SELECT r.id, r.plugin_id, r.program_code, r.service, r.visit_date, r.visit_start,
      r.minutes, r.status, r.facility_id, res.resident_number, res.family_name, res.given_name,
      res.family_name_kana, res.given_name_kana, p.name_ja AS provider_name,
      f.name_ja AS facility_name, e.minutes AS spent_minutes, l.definition_version,
      l.copayment_tier
    FROM ledger_redemptions r
    JOIN residents res ON res.id = r.resident_id AND res.municipality_id = r.municipality_id
    LEFT JOIN providers p ON p.id = r.provider_id
    LEFT JOIN facilities f ON f.id = r.facility_id
    LEFT JOIN ledger_entries e
      ON e.redemption_id = r.id AND e.kind = 'reserve' AND e.municipality_id = r.municipality_id
    LEFT JOIN ledger_lots l ON l.id = e.lot_id
    WHERE r.municipality_id = ${m} AND r.status IN ('posted')
      AND r.replaced_by_redemption_id IS NULL
      AND r.visit_date >= '${from}' AND r.visit_date < '${to}'
    ORDER BY r.facility_id ASC NULLS LAST, r.visit_date, r.id, e.id`
  const anchorStarted = performance.now()
  let anchorRows = 0
  let anchorName: string
  if (dialect === 'postgres') {
    anchorName = 'COPY (same join) TO STDOUT'
    const { to: copyTo } = await import('pg-copy-streams')
    const knex = db.connection().getWriteClient()
    const connection = await knex.client.acquireConnection()
    try {
      const copy = connection.query(copyTo(`COPY (${joinSql}) TO STDOUT WITH (FORMAT csv)`))
      let bytes = 0
      for await (const chunk of copy) bytes += chunk.length
      anchorRows = copy.rowCount
      console.log(`anchor: COPY gave ${(bytes / MEGABYTE).toFixed(1)} MB`)
    } finally {
      await knex.client.releaseConnection(connection)
    }
  } else {
    anchorName = 'same SELECT via db.rawQuery, plain loop'
    const rows: Record<string, unknown>[] = await db.rawQuery(joinSql)
    let cells = 0
    for (const row of rows) {
      anchorRows++
      for (const key in row) if (row[key] !== undefined) cells++
    }
    console.log(`anchor: ${cells} cells visited`)
  }
  const anchorRate = perSecond(anchorRows, (performance.now() - anchorStarted) / 1000)
  console.log(`anchor (${anchorName}): ${anchorRows} rows at ${anchorRate} rows/s`)

  for (const { format, rate, peakMegabytes } of measured) {
    reportBench({
      path: `usage export ${format}, ${ROWS} rows, ${ENCODING}`,
      db: dialect,
      figure: `${rate} rows/s, peak RSS ${peakMegabytes} MB`,
      anchor: `${anchorName}: ${anchorRate} rows/s`,
      ratio: anchorRate > 0 ? rate / anchorRate : null,
      goal: `≥ ${GOAL_ROWS_PER_SECOND} rows/s, peak RSS < ${GOAL_RSS_MEGABYTES} MB`,
      met: rate >= GOAL_ROWS_PER_SECOND && peakMegabytes < GOAL_RSS_MEGABYTES,
    })
  }
})
