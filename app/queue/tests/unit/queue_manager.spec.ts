import { test } from '@japa/runner'
import app from '@adonisjs/core/services/app'
import QueueManager, { backoffDelay } from '#queue/queue_manager'
import { Job } from '#queue/job'
import type { QueueConfig } from '#queue/types'
import emitter from '@adonisjs/core/services/emitter'
import type { QueueJobFailed } from '#queue/queue_events'

/**
 * Jobs that record what happened to them, so tests can see attempts.
 */
const journal: { name: string; attempt: number; payload: unknown }[] = []

class CountingJob extends Job<{ value: number }> {
  static jobName = 'test:counting'
  async handle(payload: { value: number }, context: { attempt: number }) {
    journal.push({ name: CountingJob.jobName, attempt: context.attempt, payload })
  }
}

class FlakyJob extends Job<{ failTimes: number }> {
  static jobName = 'test:flaky'
  static attempts = 3
  static backoff = { type: 'fixed' as const, delay: 10 }
  async handle(payload: { failTimes: number }, context: { attempt: number }) {
    journal.push({ name: FlakyJob.jobName, attempt: context.attempt, payload })
    if (context.attempt <= payload.failTimes) throw new Error(`planned failure ${context.attempt}`)
  }
}

async function inProcessQueue() {
  const logger = await app.container.make('logger')
  const config: QueueConfig = {
    redis: null,
    queueName: 'unit',
    concurrency: 1,
    defaults: { attempts: 2, backoff: { type: 'fixed', delay: 5 } },
    jobs: {},
    schedules: {},
  }
  const queue = new QueueManager(config, logger)
  queue.register(CountingJob.jobName, async () => ({ default: CountingJob }))
  queue.register(FlakyJob.jobName, async () => ({ default: FlakyJob }))
  return queue
}

test.group('Queue (in-process driver)', (group) => {
  group.each.setup(() => {
    journal.length = 0
  })

  test('a dispatched job runs after the current tick, not inline', async ({ assert }) => {
    const queue = await inProcessQueue()
    const result = await queue.dispatch(CountingJob, { value: 7 })
    assert.equal(result.driver, 'in_process')
    assert.lengthOf(journal, 0)
    await queue.drain()
    assert.deepEqual(journal, [{ name: 'test:counting', attempt: 1, payload: { value: 7 } }])
  })

  test('a job dispatched by its name keeps the attempts and backoff of its class', async ({
    assert,
  }) => {
    const queue = await inProcessQueue()
    await queue.dispatch('test:flaky', { failTimes: 2 })
    await queue.drain()
    assert.deepEqual(
      journal.map((entry) => entry.attempt),
      [1, 2, 3]
    )
    await assert.rejects(
      () => queue.dispatch('test:unknown', {}),
      'Job "test:unknown" is not registered with the queue'
    )
  })

  test('a failing job is retried until it succeeds', async ({ assert }) => {
    const queue = await inProcessQueue()
    await queue.dispatch(FlakyJob, { failTimes: 2 })
    await queue.drain()
    assert.deepEqual(
      journal.map((entry) => entry.attempt),
      [1, 2, 3]
    )
  })

  test('a job that keeps failing stops after its attempts', async ({ assert }) => {
    const queue = await inProcessQueue()
    await queue.dispatch(FlakyJob, { failTimes: 99 })
    await queue.drain()
    assert.lengthOf(journal, 3)
  })

  test('each failed attempt is announced (queue:job_failed); the last one as final', async ({
    assert,
  }) => {
    const failures: QueueJobFailed[] = []
    const listener = (failure: QueueJobFailed) => void failures.push(failure)
    emitter.on('queue:job_failed', listener)
    try {
      const queue = await inProcessQueue()
      const { id } = await queue.dispatch(FlakyJob, { failTimes: 99 })
      await queue.drain()
      assert.deepEqual(
        failures.map((failure) => [failure.jobName, failure.jobId, failure.attemptsMade]),
        [
          ['test:flaky', id, 1],
          ['test:flaky', id, 2],
          ['test:flaky', id, 3],
        ]
      )
      assert.deepEqual(
        failures.map((failure) => failure.final),
        [false, false, true]
      )
      assert.equal(failures[2].error, 'planned failure 3')
    } finally {
      emitter.off('queue:job_failed', listener)
    }
  })

  test('a worker says it is alive (queue:worker_heartbeat) as it starts', async ({ assert }) => {
    const beats: string[] = []
    const listener = ({ at }: { at: string }) => void beats.push(at)
    emitter.on('queue:worker_heartbeat', listener)
    const queue = await inProcessQueue()
    try {
      queue.keepAlive({})
      // Listeners run after the emitting tick
      await new Promise((resolve) => setImmediate(resolve))
      assert.lengthOf(beats, 1)
      assert.isTrue(Math.abs(Date.parse(beats[0]) - Date.now()) < 5000)
    } finally {
      emitter.off('queue:worker_heartbeat', listener)
      await queue.close()
    }
  })

  test('an unregistered job is refused at dispatch', async ({ assert }) => {
    const queue = await inProcessQueue()
    class UnknownJob extends Job {
      static jobName = 'test:unknown'
      async handle() {}
    }
    await assert.rejects(
      () => queue.dispatch(UnknownJob, {}),
      'Job "test:unknown" is not registered with the queue'
    )
  })

  test('a job name can be registered once', async ({ assert }) => {
    const queue = await inProcessQueue()
    assert.throws(
      () => queue.register(CountingJob.jobName, async () => ({ default: CountingJob })),
      'Job "test:counting" is registered twice'
    )
  })

  test('exponential backoff doubles, fixed stays', ({ assert }) => {
    assert.deepEqual(
      [1, 2, 3].map((attempt) => backoffDelay({ type: 'exponential', delay: 1000 }, attempt)),
      [1000, 2000, 4000]
    )
    assert.equal(backoffDelay({ type: 'fixed', delay: 250 }, 5), 250)
  })
})
