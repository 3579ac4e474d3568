import { test } from '@japa/runner'
import { startWorker } from '#tests/helpers/worker_process'
import { once } from 'node:events'
import { setTimeout as sleep } from 'node:timers/promises'
import app from '@adonisjs/core/services/app'
import db from '@adonisjs/lucid/services/db'
import QueueManager from '#queue/queue_manager'
import type { QueueConfig } from '#queue/types'
import CsvJobs from '#csv/csv_jobs'
import CsvJob from '#csv/csv_job'
import CsvImportJobs from '#residents/csv_import_jobs'
import { minato, staffOf } from '#tests/helpers/programs'
import { settledCsvJob } from '#tests/helpers/csv_jobs'
import PrivateRedis from '#tests/helpers/private_redis'

const HEADER = '利用者ID,氏,名,氏（カナ）,名（カナ）,電話番号,子の出産予定日,子の生年月日,多胎'
const ROWS = 20_000

function bigFile() {
  const lines = [HEADER]
  for (let row = 1; row <= ROWS; row++) lines.push(`KILL-${row},山田,花子,ヤマダ,ハナコ,,,,`)
  return Buffer.from(`\uFEFF${lines.map((line) => `${line}\r\n`).join('')}`)
}

async function imported() {
  const [row] = await db
    .from('residents')
    .where('resident_number', 'like', 'KILL-%')
    .count('* as total')
  return Number(row.total)
}

async function until<T>(probe: () => Promise<T | undefined>, timeoutMs: number, what: string) {
  const deadline = Date.now() + timeoutMs
  while (Date.now() < deadline) {
    const value = await probe()
    if (value !== undefined) return value
    await sleep(50)
  }
  throw new Error(`timed out waiting for ${what}`)
}

test.group('A CSV import whose worker is killed', (group) => {
  // The worker processes commit for real (no test transaction reaches them):
  // what they wrote goes afterwards, so later tests find the tables as they were
  let lastJobIdBefore = 0
  group.each.setup(async () => {
    const [row] = await db.from('csv_jobs').max('id as id')
    lastJobIdBefore = Number(row?.id ?? 0)
  })
  group.each.teardown(async () => {
    await db.from('residents').where('resident_number', 'like', 'KILL-%').delete()
    await db.from('csv_jobs').where('id', '>', lastJobIdBefore).delete()
  })

  test('kill -9 mid-commit: the next worker runs it again; imported once, job done', async ({
    assert,
  }) => {
    const redis = new PrivateRedis(3722)
    await redis.start()
    const queueName = `tomoni-killed-${process.pid}`
    const env = {
      REDIS_HOST: '127.0.0.1',
      REDIS_PORT: String(redis.port),
      QUEUE_NAME: queueName,
      // A dead worker's job is handed on after a second, not BullMQ's 30 s
      QUEUE_LOCK_MS: '1000',
    }
    const logger = await app.container.make('logger')
    const config = app.config.get<QueueConfig>('queue')
    const dispatcher = new QueueManager({ ...config, redis: redis.config, queueName }, logger)
    const first = startWorker(env)
    let second: ReturnType<typeof startWorker> | undefined
    try {
      const city = await minato()
      const upload = await CsvImportJobs.start(city.id, bigFile(), await staffOf(city))
      const preview = await settledCsvJob(upload.id, 60_000)
      assert.equal(preview.status, 'done')
      const commit = await CsvJobs.create({
        municipalityId: city.id,
        kind: 'resident_import_commit',
        params: { ...preview.params, previewJobId: preview.id },
        requestedByUserId: preview.requestedByUserId,
      })
      await dispatcher.dispatch('csv_import_commit', { csvJobId: commit.id })

      // Killed while at work: the commit checks and writes in one transaction
      await until(
        async () => {
          const row = await CsvJob.findOrFail(commit.id)
          if (row.status === 'done') throw new Error('the commit finished before the kill')
          return row.status === 'running' ? true : undefined
        },
        20_000,
        `the commit to start\n${first.output()}`
      )
      await sleep(300)
      first.child.kill('SIGKILL')
      await once(first.child, 'exit')

      const orphan = await CsvJob.findOrFail(commit.id)
      assert.equal(orphan.status, 'running', 'killed before it finished')
      assert.equal(await imported(), 0, 'the killed commit rolled back')

      second = startWorker(env)
      const done = await settledCsvJob(commit.id, 30_000)
      assert.equal(done.status, 'done', second.output())
      assert.equal(done.attempts, 2)
      assert.equal(await imported(), ROWS)
      const events = await db
        .from('audit_events')
        .where('action', 'residents.imported')
        .where('destination', `csv_job:${commit.id}`)
      assert.lengthOf(events, 1)
    } finally {
      first.child.kill('SIGKILL')
      second?.child.kill('SIGTERM')
      if (second && second.child.exitCode === null) await once(second.child, 'exit')
      await dispatcher.close()
      await redis.stop()
    }
  }).timeout(90_000)
})
