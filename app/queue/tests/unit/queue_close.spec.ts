import { test } from '@japa/runner'
import { setTimeout as sleep } from 'node:timers/promises'
import app from '@adonisjs/core/services/app'
import QueueManager from '#queue/queue_manager'
import { Job } from '#queue/job'
import type { QueueConfig } from '#queue/types'

/*
| Closing the in-process queue (the web process on SIGTERM): the job in
| hand finishes, jobs still waiting for their turn do not start.
*/
const events: string[] = []

class SlowJob extends Job<{ label: string }> {
  static jobName = 'test:slow'
  async handle({ label }: { label: string }) {
    events.push(`${label} started`)
    await sleep(150)
    events.push(`${label} finished`)
  }
}

async function inProcessQueue() {
  const config: QueueConfig = {
    redis: null,
    queueName: 'unit-close',
    concurrency: 1,
    defaults: { attempts: 1, backoff: { type: 'fixed', delay: 5 } },
    jobs: {},
    schedules: {},
  }
  const queue = new QueueManager(config, await app.container.make('logger'))
  queue.register(SlowJob.jobName, async () => ({ default: SlowJob }))
  return queue
}

test.group('Queue (in-process) on shutdown', (group) => {
  group.each.setup(() => {
    events.length = 0
  })

  test('close waits for the running job and starts no waiting one', async ({ assert }) => {
    const queue = await inProcessQueue()
    await queue.dispatch(SlowJob, { label: 'running' })
    await queue.dispatch(SlowJob, { label: 'delayed' }, { delayMs: 100 })
    await sleep(20)
    assert.deepEqual(events, ['running started'])

    await queue.close()
    assert.deepEqual(events, ['running started', 'running finished'])
    await queue.drain()
    await sleep(150)
    assert.deepEqual(events, ['running started', 'running finished'])
  })
})
