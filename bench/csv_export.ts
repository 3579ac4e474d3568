/*
| CSV usage export: rows per second and peak memory for the month export
| (施設別利用実績) of 1,000,000 approved redemptions by default, through the
| same service the export job runs (UsageExports.write: keyset pages from
| the database, streamed into the file). The redemptions are inserted with
| bulk SQL (INSERT … SELECT over a generated series), one reserve entry
| each, spread over 10,000 residents and one facility. Run with
| bench/csv_export.sh (a fresh database per run).
*/
import { performance } from 'node:perf_hooks'
import { rm, stat } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { withApp } from './boot.js'

const ROWS = Number(process.env.BENCH_CSV_EXPORT_ROWS ?? 1_000_000)
const RESIDENTS = Math.min(10_000, ROWS)
const ENCODING = process.env.BENCH_CSV_ENCODING === 'cp932' ? 'cp932' : 'utf8_bom'
const MEGABYTE = 1024 * 1024
const megabytes = (bytes: number) => (bytes / MEGABYTE).toFixed(0)

await withApp(async () => {
  const { default: db } = await import('@adonisjs/lucid/services/db')
  const { default: i18nManager } = await import('@adonisjs/i18n/services/main')
  const { default: Municipality } = await import('#tenancy/municipality')
  const { default: UsageExports } = await import('#usage/usage_exports')

  const dialect = db.connection().dialect.name
  const now = new Date().toISOString().replace('T', ' ').slice(0, 19)
  const municipality = await Municipality.create({
    code: '999995',
    slug: `bench-export-${Date.now()}`,
    nameJa: 'ベンチ市',
    nameEn: 'Bench City',
  })
  const m = municipality.id
  const [provider] = await db
    .table('providers')
    .insert({
      name_ja: 'ベンチ事業者',
      name_en: 'Bench provider',
      created_at: now,
      updated_at: now,
    })
    .returning('id')
  const providerId = Number(typeof provider === 'object' ? provider.id : provider)
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
  if (dialect === 'postgres') await db.rawQuery('ANALYZE')
  const seeded = (performance.now() - started) / 1000
  console.log(
    `database: ${dialect}; inserted ${ROWS} redemptions (+ entries), ${RESIDENTS} residents ` +
      `in ${seeded.toFixed(1)} s`
  )

  const path = join(tmpdir(), `bench-export-${process.pid}.csv`)
  const exports = new UsageExports(m, i18nManager.locale('ja'))
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
        `${(rows / seconds).toFixed(0)} rows/s; file ${(size / MEGABYTE).toFixed(1)} MB (${ENCODING}); ` +
        `RSS ${megabytes(before)} → peak ${megabytes(peak)} MB (+${megabytes(peak - before)})`
    )
    await rm(path, { force: true })
  }
  console.log(
    `process peak RSS (getrusage): ${(process.resourceUsage().maxRSS / 1024).toFixed(0)} MB`
  )
})
