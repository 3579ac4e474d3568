/*
| Backup and restore speed (issue 18): on the seeded database, times
| backup:create (snapshot, pg_dump, zstd, AES-256-GCM) against a plain
| `pg_dump -Fc` of the same database, and the restore of that backup
| (decrypt, decompress, pg_restore into an empty database) against a plain
| `pg_restore` of the plain dump, each in MB of database (pg_database_size)
| per second, the median of BENCH_REPEAT runs (3). The restore drill
| (restore plus ledger:verify and audit:verify) is timed once. Run with
| bench/backup.sh.
*/
import { spawnSync } from 'node:child_process'
import { rm, stat } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { performance } from 'node:perf_hooks'
import { withApp } from './boot.js'
import { median, reportBench } from './report.js'
import type { RestoreTarget } from '#backup/database_copies'

const REPEAT = Number(process.env.BACKUP_BENCH_REPEAT ?? 3)

await withApp(async () => {
  const { default: db } = await import('@adonisjs/lucid/services/db')
  const { default: Backups } = await import('#backup/backups')
  const { decryptBackupFile } = await import('#backup/backup_file')
  const { createScratchPg, dropScratchPg, restoreCopy } = await import('#backup/database_copies')

  const { rows } = await db.rawQuery('SELECT pg_database_size(current_database()) AS bytes')
  const megabytes = Number(rows[0].bytes) / 1e6
  const plainDump = join(tmpdir(), `tomoni-bench-${process.pid}.dump`)
  const decrypted = join(tmpdir(), `tomoni-bench-${process.pid}.restore`)
  const scratch = `tomoni_bench_restore_${process.pid}`

  const timed = async (work: () => Promise<unknown> | unknown) => {
    const started = performance.now()
    await work()
    return (performance.now() - started) / 1000
  }
  const tool = (command: string, args: string[]) => {
    const result = spawnSync(command, args, { stdio: ['ignore', 'ignore', 'inherit'] })
    if (result.status !== 0) throw new Error(`${command} failed`)
  }
  const intoScratch = async (work: (target: RestoreTarget) => Promise<unknown> | unknown) => {
    await dropScratchPg(scratch)
    const target = await createScratchPg(scratch)
    try {
      return await timed(() => work(target))
    } finally {
      await dropScratchPg(scratch)
    }
  }
  const pg = { host: process.env.PG_HOST!, user: process.env.PG_USER! }

  const ours = { backup: [] as number[], restore: [] as number[] }
  const plain = { backup: [] as number[], restore: [] as number[] }
  let file = ''
  let backupBytes = 0
  for (let run = 0; run < REPEAT; run++) {
    plain.backup.push(
      await timed(() =>
        tool('pg_dump', [
          '-h',
          pg.host,
          '-U',
          pg.user,
          '-Fc',
          `--file=${plainDump}`,
          process.env.PG_DB_NAME!,
        ])
      )
    )
    if (file) await rm(file, { force: true })
    ours.backup.push(
      await timed(async () => {
        const made = await Backups.create()
        file = made.file
        backupBytes = made.bytes
      })
    )
    plain.restore.push(
      await intoScratch(() =>
        tool('pg_restore', [
          '-h',
          pg.host,
          '-U',
          pg.user,
          '--no-owner',
          `--dbname=${scratch}`,
          plainDump,
        ])
      )
    )
    ours.restore.push(
      await intoScratch(async (target) => {
        await decryptBackupFile(file, process.env.BACKUP_KEY!, decrypted)
        await restoreCopy(target, decrypted)
        await rm(decrypted, { force: true })
      })
    )
  }
  // The seeded rows bypass the ledger (no entries behind the lots):
  // ledger:verify fails on them as on the source; the counts must match.
  let drillCounts = ''
  const drill = await timed(async () => {
    const report = await Backups.verify(file)
    if (report.countMismatches.length > 0) throw new Error('restored row counts differ')
    drillCounts = 'row counts match'
  })
  const { size: plainBytes } = await stat(plainDump)
  await rm(plainDump, { force: true })

  console.log(
    `database ${megabytes.toFixed(0)} MB; backup file ${(backupBytes / 1e6).toFixed(1)} MB, ` +
      `pg_dump -Fc ${(plainBytes / 1e6).toFixed(1)} MB; restore drill (restore, ledger:verify, ` +
      `audit:verify) ${drill.toFixed(1)} s, ${drillCounts}; median of ${REPEAT} runs`
  )
  for (const [path, mine, theirs, anchor] of [
    ['backup:create (zstd, AES-256-GCM)', median(ours.backup), median(plain.backup), 'pg_dump -Fc'],
    [
      'backup restore (decrypt, pg_restore)',
      median(ours.restore),
      median(plain.restore),
      'pg_restore',
    ],
  ] as const) {
    reportBench({
      path: `${path} of ${megabytes.toFixed(0)} MB`,
      db: 'postgres',
      figure: `${(megabytes / mine).toFixed(1)} MB/s`,
      anchor: `${anchor} ${(megabytes / theirs).toFixed(1)} MB/s`,
      ratio: mine / theirs,
      goal: '≤ 1.5 × the time of plain pg_dump / pg_restore',
      met: mine / theirs <= 1.5,
    })
  }
})
