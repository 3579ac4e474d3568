import { test } from '@japa/runner'
import { setTimeout as sleep } from 'node:timers/promises'
import db from '@adonisjs/lucid/services/db'
import queue from '#queue/queue'
import Municipality from '#tenancy/municipality'
import RecordNoteJob from '#plugins/sample_program/jobs/record_note_job'
import { Job } from '#queue/job'
import app from '@adonisjs/core/services/app'
import QueueManager from '#queue/queue_manager'
import type { QueueConfig } from '#queue/types'

const attemptsSeen: number[] = []

class FailsOnceJob extends Job {
  static jobName = 'test:fails_once'
  static attempts = 3
  static backoff = { type: 'fixed' as const, delay: 20 }
  async handle(_: unknown, context: { attempt: number }) {
    attemptsSeen.push(context.attempt)
    if (context.attempt === 1) throw new Error('planned failure')
  }
}

async function waitFor<T>(probe: () => Promise<T | null | undefined>, timeoutMs = 10_000) {
  const deadline = Date.now() + timeoutMs
  while (Date.now() < deadline) {
    const value = await probe()
    if (value !== undefined && value !== null) return value
    await sleep(50)
  }
  throw new Error(`nothing after ${timeoutMs} ms`)
}

/**
 * The application's own queue, whichever driver this run is configured
 * with: in-process on the embedded default, BullMQ + Redis in CI.
 */
test.group('Queue (configured driver)', (group) => {
  group.each.teardown(async () => {
    await db.from('sample_program_notes').delete()
  })

  test('a plugin job dispatched through the app queue runs and does its work', async ({
    assert,
  }) => {
    const minato = await Municipality.findByOrFail('code', '131032')
    const result = await queue.dispatch(RecordNoteJob, {
      municipalityId: minato.id,
      body: '訪問メモ',
    })
    assert.equal(result.driver, process.env.REDIS_HOST ? 'redis' : 'in_process')
    await queue.drain()
    const note = await waitFor(() =>
      db.from('sample_program_notes').where('body', '訪問メモ').first()
    )
    assert.equal(note.municipality_id, minato.id)
  })

  test('with Redis the job really passes through BullMQ and completes there', async ({
    assert,
  }) => {
    const minato = await Municipality.findByOrFail('code', '131032')
    const { id } = await queue.dispatch(RecordNoteJob, { municipalityId: minato.id, body: 'redis' })
    const state = await waitFor(async () => {
      const job = await queue.bullQueue().getJob(id)
      const current = await job?.getState()
      return current === 'completed' ? current : undefined
    })
    assert.equal(state, 'completed')
    assert.exists(await db.from('sample_program_notes').where('body', 'redis').first())
  }).skip(!process.env.REDIS_HOST, 'runs in the PostgreSQL + Redis pass (REDIS_HOST set)')

  test('a failed attempt is retried with backoff by the configured driver', async ({ assert }) => {
    if (!queue.hasJob(FailsOnceJob.jobName)) {
      queue.register(FailsOnceJob.jobName, async () => ({ default: FailsOnceJob }))
    }
    attemptsSeen.length = 0
    await queue.dispatch(FailsOnceJob, {})
    await queue.drain()
    await waitFor(async () => (attemptsSeen.length >= 2 ? true : undefined))
    assert.deepEqual(attemptsSeen, [1, 2])
  })

  test('recurring jobs become BullMQ job schedulers on Redis', async ({ assert }) => {
    const logger = await app.container.make('logger')
    const config = app.config.get<QueueConfig>('queue')
    const scheduled = new QueueManager(
      { ...config, queueName: `tomoni-schedules-${process.pid}` },
      logger
    )
    try {
      await scheduled.startSchedules()
      await scheduled.startSchedules()
      const schedulers = await scheduled.bullQueue().getJobSchedulers()
      assert.deepEqual(
        schedulers
          .map((scheduler) => [scheduler.key, scheduler.pattern, scheduler.tz ?? null])
          .sort(([a], [b]) => String(a).localeCompare(String(b))),
        [
          ['audit_anchor_export', '23 * * * *', null],
          ['backup_nightly', '30 2 * * *', 'Asia/Tokyo'],
          ['chain_verify', '0 2 * * *', 'Asia/Tokyo'],
          ['csv_prune', '40 3 * * *', 'Asia/Tokyo'],
          ['csv_sweep', '* * * * *', null],
          ['expire_lots', '10 0 * * *', 'Asia/Tokyo'],
          ['ledger_rollup_refresh', '* * * * *', null],
          ['oidc_prune', '47 * * * *', null],
          ['prune_expired_sessions', '17 * * * *', null],
        ]
      )
    } finally {
      await scheduled.bullQueue().obliterate({ force: true })
      await scheduled.close()
    }
  }).skip(!process.env.REDIS_HOST, 'runs in the PostgreSQL + Redis pass (REDIS_HOST set)')
})
