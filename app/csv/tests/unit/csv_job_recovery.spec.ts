import { test } from '@japa/runner'
import { DateTime } from 'luxon'
import testUtils from '@adonisjs/core/services/test_utils'
import ace from '@adonisjs/core/services/ace'
import db from '@adonisjs/lucid/services/db'
import i18nManager from '@adonisjs/i18n/services/main'
import CsvJobs from '#csv/csv_jobs'
import CsvJob from '#csv/csv_job'
import CsvImportJobs from '#residents/csv_import_jobs'
import CsvExportJobs from '#usage/csv_export_jobs'
import Resident from '#residents/resident'
import JobsList from '#csv/jobs_list_command'
import JobsRetry from '#csv/jobs_retry_command'
import { chainKeyFor } from '#audit/audit_event_input'
import { minato, staffOf } from '#tests/helpers/programs'
import { settledCsvJob } from '#tests/helpers/csv_jobs'

const HEADER = '利用者ID,氏,名,氏（カナ）,名（カナ）,電話番号,子の出産予定日,子の生年月日,多胎'

function csvFile(...lines: string[]) {
  return Buffer.from(`\uFEFF${[HEADER, ...lines].map((line) => `${line}\r\n`).join('')}`)
}

/** A job as a worker leaves it when it is killed mid-run: running, its heartbeat some time ago */
async function diedRunning(job: CsvJob, secondsAgo: number) {
  await CsvJob.query()
    .where('id', job.id)
    .update({
      status: 'running',
      attempts: job.attempts + 1,
      heartbeat_at: DateTime.now()
        .minus({ seconds: secondsAgo })
        .toFormat(db.connection().dialect.dateTimeFormat),
    })
  await job.refresh()
  return job
}

async function exportJob() {
  const city = await minato()
  const job = await CsvExportJobs.start(
    city.id,
    { format: 'facility_month', month: '2026-11', encoding: 'utf8_bom' },
    'ja',
    await staffOf(city)
  )
  return settledCsvJob(job.id)
}

/** A clean, previewed upload and its commit job, created but not run yet */
async function commitJobOf(residentNumber: string) {
  const city = await minato()
  const preview = await CsvImportJobs.start(
    city.id,
    csvFile(`${residentNumber},山田,花子,ヤマダ,ハナコ,,,,`),
    await staffOf(city)
  )
  const checked = await settledCsvJob(preview.id)
  if (checked.status !== 'done') throw new Error('the preview did not finish')
  const commit = await CsvJobs.create({
    municipalityId: city.id,
    kind: 'resident_import_commit',
    params: { ...checked.params, previewJobId: checked.id },
    requestedByUserId: checked.requestedByUserId,
  })
  return { city, commit }
}

async function importedEvents(municipalityId: number) {
  const [row] = await db
    .from('audit_events')
    .where('chain_key', chainKeyFor(municipalityId))
    .where('action', 'residents.imported')
    .count('* as total')
  return Number(row.total)
}

test.group('CSV jobs whose worker died', (group) => {
  group.each.setup(() => testUtils.db().withGlobalTransaction())

  test('the queue handing a running job again (its worker died) runs it anew', async ({
    assert,
  }) => {
    const job = await diedRunning(await exportJob(), 40)
    let runs = 0
    await CsvJobs.run(job.id, async () => {
      runs++
      return { result: { rows: 3 } }
    })
    assert.equal(runs, 0, 'a running job is not taken without a redelivery')

    await CsvJobs.run(
      job.id,
      async () => {
        runs++
        return { result: { rows: 3 } }
      },
      { redelivered: true }
    )
    const died = job.attempts
    await job.refresh()
    assert.equal(runs, 1)
    assert.equal(job.status, 'done')
    assert.equal(job.attempts, died + 1)
  })

  test('a redelivered commit whose import committed imports nothing twice', async ({ assert }) => {
    const { city, commit } = await commitJobOf('DIE-1')
    const before = await importedEvents(city.id)
    await CsvImportJobs.commit(commit.id)
    await commit.refresh()
    assert.equal(commit.status, 'done')
    assert.equal(await importedEvents(city.id), before + 1)

    // The worker died after the import's commit: the job is done in that same transaction
    await CsvImportJobs.commit(commit.id, { attempt: 1, jobId: 'x', redelivered: true })
    await commit.refresh()
    assert.equal(commit.status, 'done')
    assert.equal(commit.attempts, 1)
    assert.equal(await importedEvents(city.id), before + 1)
  })

  test('a run another worker took over rolls its import back', async ({ assert }) => {
    const { city, commit } = await commitJobOf('DIE-2')
    const before = await importedEvents(city.id)
    await CsvJobs.run(commit.id, async (job) => {
      // Meanwhile the queue presumed this worker dead and another one took the job
      await CsvJob.query().where('id', job.id).increment('attempts', 1)
      const report = await CsvImportJobs.importer.commit(
        job.municipalityId,
        csvFile('DIE-2,山田,花子,ヤマダ,ハナコ,,,,'),
        job.params.actor as never,
        { beforeCommit: (trx, done) => CsvJobs.markDoneWithin(trx, job, { report: done }) }
      )
      return { result: { report } }
    })
    await commit.refresh()
    assert.equal(commit.status, 'running', 'left to the run that took over')
    assert.isNull(await Resident.findBy('residentNumber', 'DIE-2'))
    assert.equal(await importedEvents(city.id), before)
  })

  test('the sweep fails a job whose worker stopped, with a message staff can act on', async ({
    assert,
  }) => {
    const dead = await diedRunning(await exportJob(), 180)
    const alive = await diedRunning(await exportJob(), 10)
    const city = await minato()
    const lost = await CsvJobs.create({
      municipalityId: city.id,
      kind: 'export_facility_month',
      params: {},
      requestedByUserId: dead.requestedByUserId,
    })
    const fiveMinutesAgo = DateTime.now().minus({ minutes: 5 })
    await CsvJob.query()
      .where('id', lost.id)
      .update({ created_at: fiveMinutesAgo.toFormat(db.connection().dialect.dateTimeFormat) })

    const failed = await CsvJobs.sweep()
    assert.deepEqual(
      failed.map((job) => job.id),
      [dead.id, lost.id]
    )
    await Promise.all([dead.refresh(), alive.refresh(), lost.refresh()])
    assert.equal(alive.status, 'running')
    assert.equal(dead.status, 'failed')
    assert.equal(lost.status, 'failed')
    assert.equal(
      CsvJobs.failureText(dead, i18nManager.locale('ja')),
      '処理が中断されました（処理していたサーバーが停止しました）。何も変更されていません。もう一度お試しください。'
    )
    assert.match(CsvJobs.failureText(lost, i18nManager.locale('en'))!, /interrupted/)
  })

  test('without Redis, a job handed to the queue of a process that has ended is failed by the next one', async ({
    assert,
  }) => {
    const city = await minato()
    const staff = await staffOf(city)
    const queuedJob = async (dispatchedMinutesAgo: number) => {
      const job = await CsvJobs.create({
        municipalityId: city.id,
        kind: 'export_facility_month',
        params: {},
        requestedByUserId: staff.actorUserId!,
      })
      const at = DateTime.now().minus({ minutes: dispatchedMinutesAgo })
      await CsvJob.query()
        .where('id', job.id)
        .update({ dispatched_at: at.toFormat(db.connection().dialect.dateTimeFormat) })
      return job
    }
    const beforeRestart = await queuedJob(10)
    const afterRestart = await queuedJob(1)
    const restartedAt = DateTime.now().minus({ minutes: 5 }).toJSDate()

    const withRedis = await CsvJobs.sweep()
    assert.notInclude(
      withRedis.map((job) => job.id),
      beforeRestart.id,
      'Redis keeps a dispatched job across restarts'
    )

    const failed = await CsvJobs.sweep(undefined, restartedAt)
    assert.include(
      failed.map((job) => job.id),
      beforeRestart.id
    )
    await Promise.all([beforeRestart.refresh(), afterRestart.refresh()])
    assert.equal(beforeRestart.status, 'failed')
    assert.equal(afterRestart.status, 'queued', 'handed to this process: still to run')
    assert.equal(
      CsvJobs.failureText(beforeRestart, i18nManager.locale('ja')),
      '処理が中断されました（処理していたサーバーが停止しました）。何も変更されていません。もう一度お試しください。'
    )
  })

  test('jobs:list flags a stale job; jobs:retry runs it again, and refuses a finished one', async ({
    assert,
  }) => {
    const stale = await diedRunning(await exportJob(), 180)
    const finished = await exportJob()
    ace.ui.switchMode('raw')
    try {
      const list = await ace.create(JobsList, ['--limit', '50'])
      await list.exec()
      list.assertSucceeded()
      const output = list.ui.logger
        .getLogs()
        .map((log) => log.message)
        .join('\n')
      assert.match(
        output,
        new RegExp(`csv:${stale.id}\\|export_facility_month\\|running \\(stale\\)`)
      )
      assert.match(output, new RegExp(`csv:${finished.id}\\|export_facility_month\\|done`))

      const retry = await ace.create(JobsRetry, [`csv:${stale.id}`])
      await retry.exec()
      retry.assertSucceeded()
      const rerun = await settledCsvJob(stale.id)
      assert.equal(rerun.status, 'done')
      assert.equal(rerun.attempts, stale.attempts + 1)
      assert.isNotNull(rerun.filePath)

      const refused = await ace.create(JobsRetry, [`csv:${finished.id}`])
      await refused.exec()
      refused.assertFailed()
      refused.assertLog(`[ red(error) ] CSV job ${finished.id} has finished: not run again`)
    } finally {
      ace.ui.switchMode('normal')
    }
  })
})
