import { test } from '@japa/runner'
import { readFile, rm, stat, utimes, writeFile } from 'node:fs/promises'
import { DateTime } from 'luxon'
import testUtils from '@adonisjs/core/services/test_utils'
import db from '@adonisjs/lucid/services/db'
import i18nManager from '@adonisjs/i18n/services/main'
import CsvJobs from '#csv/csv_jobs'
import CsvImportJobs from '#residents/csv_import_jobs'
import CsvExportJobs from '#usage/csv_export_jobs'
import CsvJobView from '#usage/csv_job_view'
import CsvJob from '#csv/csv_job'
import Resident from '#residents/resident'
import { chainKeyFor } from '#audit/audit_event_input'
import { minato, staffOf } from '#tests/helpers/programs'
import { settledCsvJob } from '#tests/helpers/csv_jobs'

const HEADER = '利用者ID,氏,名,氏（カナ）,名（カナ）,電話番号,子の出産予定日,子の生年月日,多胎'

function csvFile(...lines: string[]) {
  return Buffer.from(`\uFEFF${[HEADER, ...lines].map((line) => `${line}\r\n`).join('')}`)
}

async function newJob(
  kind: 'export_facility_month' | 'resident_import_preview' = 'export_facility_month'
) {
  const city = await minato()
  const by = await staffOf(city)
  return CsvJobs.create({
    municipalityId: city.id,
    kind,
    params: {},
    requestedByUserId: by.actorUserId!,
  })
}

async function lastAudit(municipalityId: number) {
  return db
    .from('audit_events')
    .where('chain_key', chainKeyFor(municipalityId))
    .orderBy('sequence', 'desc')
    .first()
}

test.group('CSV jobs', (group) => {
  group.each.setup(() => testUtils.db().withGlobalTransaction())

  test('progress is recorded while the work runs, and the result when it ends', async ({
    assert,
  }) => {
    const job = await newJob()
    const seen: [number, number | null, string][] = []
    await CsvJobs.run(job.id, async (running, progress) => {
      const current = async () => {
        await progress.flush()
        const row = await CsvJob.findOrFail(running.id)
        seen.push([row.progressDone, row.progressTotal, row.status])
      }
      progress.update(0, 4, 'checking')
      await current()
      progress.update(3, 4, 'writing')
      await current()
      return { result: { rows: 4 } }
    })
    assert.deepEqual(seen, [
      [0, 4, 'running'],
      [3, 4, 'running'],
    ])
    const done = await CsvJob.findOrFail(job.id)
    assert.equal(done.status, 'done')
    assert.deepEqual([done.progressDone, done.progressTotal], [4, 4])
    assert.deepEqual(done.result, { rows: 4 })
    assert.isNotNull(done.finishedAt)
  })

  test('a failure is recorded with a translated reason, not thrown', async ({ assert }) => {
    const job = await newJob()
    await CsvJobs.run(job.id, async () => {
      throw new Error('database went away')
    })
    const failed = await CsvJob.findOrFail(job.id)
    assert.equal(failed.status, 'failed')
    assert.deepEqual(failed.result, { failure: { code: 'unexpected' } })
    assert.match(CsvJobs.failureText(failed, i18nManager.locale('ja'))!, /予期しないエラー/)
    assert.match(CsvJobs.failureText(failed, i18nManager.locale('en'))!, /unexpected error/)
    const view = CsvJobView.summary(failed, i18nManager.locale('ja'))
    assert.equal(view.statusLabel, '失敗')
  })

  test('an import whose upload is gone fails with "file missing", imports nothing', async ({
    assert,
  }) => {
    // Run directly, not through the queue: a Redis worker could otherwise
    // read the upload before it is removed
    const city = await minato()
    const by = await staffOf(city)
    const upload = await CsvJobs.storeUpload(csvFile('GONE-1,山田,花子,ヤマダ,ハナコ,,,,'))
    await rm(CsvJobs.pathOf(upload))
    const job = await CsvJobs.create({
      municipalityId: city.id,
      kind: 'resident_import_preview',
      params: { upload, actor: by },
      requestedByUserId: by.actorUserId!,
    })
    await CsvImportJobs.preview(job.id)
    const failed = await CsvJob.findOrFail(job.id)
    assert.equal(failed.status, 'failed')
    assert.match(CsvJobs.failureText(failed, i18nManager.locale('en'))!, /cannot be found/)
    assert.isNull(await Resident.findBy('residentNumber', 'GONE-1'))
  })

  test('a preview job stores the report as codes, translated in the reader language', async ({
    assert,
  }) => {
    const city = await minato()
    const job = await CsvImportJobs.start(
      city.id,
      csvFile('PV-1,山田,花子,やまだ,ハナコ,,,,', 'PV-2,佐藤,一郎,サトウ,イチロウ,,,,'),
      await staffOf(city)
    )
    const requested = await lastAudit(city.id)
    assert.equal(requested.action, 'csv.import_requested')

    const done = await settledCsvJob(job.id)
    assert.equal(done.status, 'done')
    // The rows that passed reading were compared with the register
    assert.deepEqual([done.progressDone, done.progressTotal], [1, 1])
    const report = done.result!.report as { errors: { row: number; code: string }[] }
    assert.deepEqual(
      report.errors.map((issue) => [issue.row, issue.code]),
      [[2, 'kana_only']]
    )
    const ja = CsvJobView.importReport(done, i18nManager.locale('ja'))!
    const en = CsvJobView.importReport(done, i18nManager.locale('en'))!
    assert.equal(ja.problems[0].column, '氏（カナ）')
    assert.match(ja.problems[0].reason, /カタカナ/)
    assert.match(en.problems[0].reason, /katakana/)
    assert.isFalse(ja.canCommit)
    assert.isNull(await Resident.findBy('residentNumber', 'PV-2'))
  })

  test('an export job writes its file and names it', async ({ assert }) => {
    const city = await minato()
    const job = await CsvExportJobs.start(
      city.id,
      { format: 'facility_month', month: '2026-11', encoding: 'utf8_bom' },
      'ja',
      await staffOf(city)
    )
    const requested = await lastAudit(city.id)
    assert.equal(requested.action, 'csv.export_requested')
    assert.include(requested.details, '"month":"2026-11"')

    const done = await settledCsvJob(job.id)
    assert.equal(done.status, 'done')
    assert.equal(done.fileName, `施設別利用実績_${city.code}_2026-11.csv`)
    const content = await readFile(CsvJobs.pathOf(done.filePath!), 'utf8')
    assert.match(content, /^\uFEFF施設,事業者,利用日/)
    assert.deepEqual([done.progressDone, done.progressTotal], [0, 0])
  })

  test('files older than seven days are pruned; their jobs stay listed', async ({ assert }) => {
    const old = await newJob()
    const oldName = await CsvJobs.newFileName('csv')
    await writeFile(CsvJobs.pathOf(oldName), 'x')
    const eightDaysAgo = DateTime.now().minus({ days: 8 })
    await utimes(CsvJobs.pathOf(oldName), eightDaysAgo.toJSDate(), eightDaysAgo.toJSDate())
    old.merge({ status: 'done', filePath: oldName, createdAt: eightDaysAgo })
    await old.save()

    const fresh = await newJob()
    const freshName = await CsvJobs.newFileName('csv')
    await writeFile(CsvJobs.pathOf(freshName), 'y')
    fresh.merge({ status: 'done', filePath: freshName })
    await fresh.save()

    assert.isAtLeast(await CsvJobs.prune(), 1)
    assert.isNull(await stat(CsvJobs.pathOf(oldName)).catch(() => null))
    assert.isNotNull(await stat(CsvJobs.pathOf(freshName)).catch(() => null))
    const [oldAfter, freshAfter] = await Promise.all([
      CsvJob.findOrFail(old.id),
      CsvJob.findOrFail(fresh.id),
    ])
    assert.isNull(oldAfter.filePath)
    assert.equal(freshAfter.filePath, freshName)
    await rm(CsvJobs.pathOf(freshName), { force: true })
  })

  test('stored file names never reach outside the jobs directory', async ({ assert }) => {
    assert.throws(() => CsvJobs.pathOf('../../.env'))
    assert.throws(() => CsvJobs.pathOf('.hidden'))
  })
})
