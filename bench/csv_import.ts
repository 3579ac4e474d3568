/*
| CSV bulk resident import: preview and commit rows per second and the
| process's peak memory for a generated file (100,000 rows by default, a
| child on every other row), through the same service staff and the ace
| command use. Phases: first import (all new), the same file again (all
| unchanged), then every name changed (all updates). Run with bench/csv.sh
| (a fresh database per run).
|
| The figure for `npm run bench` is the first commit (100,000 new residents,
| 75,000 children), against the anchor measured in the same run: the same
| rows loaded into a bare table (bench/csv_import_anchor.ts), the median of
| ANCHOR_RUNS runs. Goal: the commit at ≥ 40 % of the anchor's rows/s.
| The floor (bench/csv_import_floor.ts), the same rows written straight
| into the real tables, shows the most that ratio can be on this schema.
*/
import { performance } from 'node:perf_hooks'
import { withApp } from './boot.js'
import { ENCODING, generateCsv } from './resident_csv_file.js'
import { median, reportBench } from './report.js'

const ROWS = Number(process.env.BENCH_CSV_ROWS ?? 100_000)
const MEGABYTE = 1024 * 1024
const ANCHOR_RUNS = 3
const FLOOR_RUNS = 2
const GOAL_RATIO = 0.4

const megabytes = (bytes: number) => (bytes / MEGABYTE).toFixed(0)

/** Peak resident set size of this process so far, in MB (getrusage maxrss) */
function peakRssMb() {
  return (process.resourceUsage().maxRSS / 1024).toFixed(0)
}

/**
 * RSS before a phase (after a full GC when node runs with --expose-gc) and
 * the highest RSS sampled during it: what the phase itself costs.
 */
async function withMemory<T>(work: () => Promise<T>) {
  globalThis.gc?.()
  const before = process.memoryUsage.rss()
  let peak = before
  const sampler = setInterval(() => {
    peak = Math.max(peak, process.memoryUsage.rss())
  }, 5)
  try {
    const result = await work()
    peak = Math.max(peak, process.memoryUsage.rss())
    return { result, before, peak }
  } finally {
    clearInterval(sampler)
  }
}

await withApp(async () => {
  const { default: db } = await import('@adonisjs/lucid/services/db')
  const { default: Municipality } = await import('#tenancy/municipality')
  const { default: ResidentImport } = await import('#residents/resident_import')
  const { bareLoad } = await import('./csv_import_anchor.js')
  const { schemaFloor } = await import('./csv_import_floor.js')
  const dialect = db.connection().dialect.name

  const municipality = await Municipality.create({
    code: '999996',
    slug: `bench-csv-${Date.now()}`,
    nameJa: 'ベンチ市',
    nameEn: 'Bench City',
  })
  const by = {
    actorUserId: null,
    actorRole: 'municipal_staff',
    source: { channel: 'cli' as const },
  }
  const importer = new ResidentImport({ maxBytes: 256 * MEGABYTE, maxRows: ROWS })

  globalThis.gc?.()
  const booted = process.memoryUsage.rss()
  const generated = generateCsv(ROWS, false)
  const original = generated.bytes
  const renamed = generateCsv(ROWS, true).bytes
  console.log(
    `database: ${dialect}\n` +
      `file: ${ROWS} rows, ${ENCODING}, ${(original.length / MEGABYTE).toFixed(1)} MB ` +
      `(${(original.length / ROWS).toFixed(0)} bytes a row); RSS after boot ${megabytes(booted)} MB`
  )

  // The anchor: the same rows into a bare table, the fastest way of the run's median
  const anchorRuns = []
  for (let run = 0; run < ANCHOR_RUNS; run++) {
    // node-sqlite3's prepared loop takes seconds (a thread hop a row): run 1 only
    const ways = await bareLoad(generated.stored, run === 0)
    for (const way of ways) {
      console.log(
        `anchor run ${run + 1}, ${way.label}: ${way.seconds.toFixed(2)} s = ` +
          `${(ROWS / way.seconds).toFixed(0)} rows/s`
      )
    }
    anchorRuns.push(Math.min(...ways.map((way) => way.seconds)))
  }
  const anchorSeconds = median(anchorRuns)

  async function measure(label: string, work: () => Promise<{ errorCount: number }>) {
    const started = performance.now()
    const { result: report, before, peak } = await withMemory(work)
    const seconds = (performance.now() - started) / 1000
    if (report.errorCount > 0) throw new Error(`${label}: ${report.errorCount} errors`)
    console.log(
      `${label}: ${seconds.toFixed(2)} s = ${(ROWS / seconds).toFixed(0)} rows/s; ` +
        `RSS ${megabytes(before)} → peak ${megabytes(peak)} MB (+${megabytes(peak - before)}); ` +
        JSON.stringify(summary(report))
    )
    return { seconds, peak }
  }

  const summary = (report: object) => {
    const { toCreate, toUpdate, unchanged, childrenToAdd } = report as Record<string, number>
    return { toCreate, toUpdate, unchanged, childrenToAdd }
  }

  await measure('preview, all new     ', () => importer.preview(municipality.id, original))
  const first = await measure('commit, all new      ', () =>
    importer.commit(municipality.id, original, by)
  )
  await measure('preview, all same    ', () => importer.preview(municipality.id, original))
  await measure('commit, all same     ', () => importer.commit(municipality.id, original, by))
  await measure('commit, every renamed', () => importer.commit(municipality.id, renamed, by))

  const counted = await db
    .from('residents')
    .where('municipality_id', municipality.id)
    .count('* as total')
  console.log(
    `residents stored: ${counted[0].total}; process peak RSS (getrusage): ${peakRssMb()} MB`
  )

  // After the measured phases (its memory and rows cannot weigh on them), for
  // another municipality: the file's IDs are the import's own there
  const floorMunicipality = await Municipality.create({
    code: '999995',
    slug: `bench-csv-floor-${Date.now()}`,
    nameJa: 'ベンチ床市',
    nameEn: 'Bench Floor City',
  })
  const floorRuns = []
  for (let run = 0; run < FLOOR_RUNS; run++) {
    floorRuns.push(await schemaFloor(generated.stored, floorMunicipality.id))
  }
  const floorSeconds = Math.min(...floorRuns)
  console.log(
    `floor (the rows straight into the real tables, best of ${FLOOR_RUNS}): ` +
      `${floorSeconds.toFixed(2)} s = ${(ROWS / floorSeconds).toFixed(0)} rows/s = ` +
      `${((anchorSeconds / floorSeconds) * 100).toFixed(1)} % of the anchor, the most an import can reach`
  )

  const ratio = anchorSeconds / first.seconds
  console.log(
    `anchor (median of ${ANCHOR_RUNS}): ${anchorSeconds.toFixed(2)} s = ` +
      `${(ROWS / anchorSeconds).toFixed(0)} rows/s; commit, all new: ` +
      `${(ratio * 100).toFixed(1)} % of the anchor (goal ≥ ${GOAL_RATIO * 100} %)`
  )
  reportBench({
    path: `CSV import commit, ${ROWS.toLocaleString('en')} new residents with children`,
    db: dialect,
    figure: `${first.seconds.toFixed(2)} s, peak RSS ${megabytes(first.peak)} MB`,
    anchor: `bare load ${anchorSeconds.toFixed(2)} s (${dialect === 'postgres' ? 'COPY' : 'INSERT'})`,
    ratio,
    goal: `≥ ${GOAL_RATIO * 100} %`,
    met: ratio >= GOAL_RATIO,
  })
})
