import { test } from '@japa/runner'
import { startWorker } from '#tests/helpers/worker_process'
import { once } from 'node:events'
import { setTimeout as sleep } from 'node:timers/promises'
import app from '@adonisjs/core/services/app'
import db from '@adonisjs/lucid/services/db'
import QueueManager from '#queue/queue_manager'
import type { QueueConfig } from '#queue/types'
import Municipality from '#tenancy/municipality'
import RecordNoteJob from '#plugins/sample_program/jobs/record_note_job'

test.group('queue:work (separate process)', (group) => {
  group.each.teardown(async () => {
    await db.from('sample_program_notes').where('body', 'from another process').delete()
  })

  test('without Redis it explains that jobs run in the web process, and exits 1', async ({
    assert,
  }) => {
    const worker = startWorker({ REDIS_HOST: '' })
    const [code] = await once(worker.child, 'exit')
    assert.equal(code, 1)
    assert.include(worker.output(), 'REDIS_HOST is not set')
  }).timeout(30_000)

  test('with Redis it runs jobs dispatched by another process, then stops on SIGTERM', async ({
    assert,
  }) => {
    const queueName = `tomoni-worker-test-${process.pid}`
    const worker = startWorker({ QUEUE_NAME: queueName })
    const logger = await app.container.make('logger')
    const config = app.config.get<QueueConfig>('queue')
    const dispatcher = new QueueManager({ ...config, queueName, jobs: {} }, logger)
    dispatcher.register(RecordNoteJob.jobName, async () => ({ default: RecordNoteJob }))

    try {
      const minato = await Municipality.findByOrFail('code', '131032')
      await dispatcher.dispatch(RecordNoteJob, {
        municipalityId: minato.id,
        body: 'from another process',
      })
      let note
      for (let waited = 0; !note && waited < 20_000; waited += 100) {
        await sleep(100)
        note = await db.from('sample_program_notes').where('body', 'from another process').first()
      }
      assert.exists(note, `the worker did not run the job; it said:\n${worker.output()}`)

      worker.child.kill('SIGTERM')
      const [code] = await once(worker.child, 'exit')
      assert.equal(code, 0)
    } finally {
      worker.child.kill('SIGKILL')
      await dispatcher.bullQueue().obliterate({ force: true })
      await dispatcher.close()
    }
  })
    .timeout(45_000)
    .skip(!process.env.REDIS_HOST, 'runs in the PostgreSQL + Redis pass (REDIS_HOST set)')
})
