import { test } from '@japa/runner'
import { setTimeout as sleep } from 'node:timers/promises'
import app from '@adonisjs/core/services/app'
import type { Logger } from '@adonisjs/core/logger'
import QueueManager from '#queue/queue_manager'
import { QueueUnavailableError } from '#queue/queue_unavailable_error'
import type { QueueConfig } from '#queue/types'
import PrivateRedis from '#tests/helpers/private_redis'

/** A port of this helper's spare range where nothing listens */
const DEAD_PORT = 3729

/** Records what the queue logs, to count the outage's lines */
function recordingLogger() {
  const lines: { level: string; message: string }[] = []
  const record = (level: string) => (first: unknown, second?: unknown) => {
    lines.push({ level, message: String(typeof first === 'string' ? first : second) })
  }
  const logger = {
    error: record('error'),
    warn: record('warn'),
    info: record('info'),
    debug: () => {},
    trace: () => {},
  } as unknown as Logger
  return { logger, lines }
}

function queueOn(redis: QueueConfig['redis'], logger: Logger) {
  const config = app.config.get<QueueConfig>('queue')
  return new QueueManager({ ...config, redis, queueName: `tomoni-faults-${process.pid}` }, logger)
}

async function waitFor(probe: () => Promise<boolean>, timeoutMs: number) {
  const deadline = Date.now() + timeoutMs
  while (Date.now() < deadline) {
    if (await probe().catch(() => false)) return true
    await sleep(100)
  }
  return false
}

test.group('Queue faults (a private redis-server on a spare port)', () => {
  test('with Redis down a dispatch fails within seconds; the outage is logged once', async ({
    assert,
  }) => {
    const { logger, lines } = recordingLogger()
    const queue = queueOn({ host: '127.0.0.1', port: DEAD_PORT, db: 0 }, logger)
    queue.redisConnection()
    try {
      for (let attempt = 0; attempt < 2; attempt++) {
        const started = Date.now()
        await assert.rejects(() => queue.dispatch('csv_prune', {}), QueueUnavailableError)
        assert.isBelow(Date.now() - started, 5000)
      }
      const outage = lines.filter((line) => line.message.startsWith('Redis unreachable'))
      assert.lengthOf(outage, 1, JSON.stringify(lines))

      const redis = new PrivateRedis(DEAD_PORT)
      await redis.start()
      try {
        const resumed = await waitFor(
          async () => lines.some((line) => line.message.startsWith('Redis reachable again')),
          5000
        )
        assert.isTrue(resumed)
        const { driver } = await queue.dispatch('csv_prune', {})
        assert.equal(driver, 'redis')
      } finally {
        await queue.close()
        await redis.stop()
      }
    } finally {
      await queue.close()
    }
  }).timeout(20_000)

  test('a worker puts the recurring jobs back when Redis restarts without its data', async ({
    assert,
  }) => {
    const redis = new PrivateRedis(3721)
    await redis.start()
    const { logger } = recordingLogger()
    const queue = queueOn(redis.config, logger)
    const keys = async () => {
      const schedulers = await queue.bullQueue().getJobSchedulers()
      return schedulers.map((scheduler) => scheduler.key).sort()
    }
    try {
      await queue.startSchedules()
      queue.keepAlive()
      const expected = Object.keys(app.config.get<QueueConfig>('queue').schedules).sort()
      assert.deepEqual(await keys(), expected)

      await redis.stop()
      await redis.start()
      const back = await waitFor(
        async () => JSON.stringify(await keys()) === JSON.stringify(expected),
        8000
      )
      assert.isTrue(back, 'the schedulers did not come back')
      // Still one scheduler (one run per tick) each
      assert.equal(await queue.bullQueue().getJobSchedulersCount(), expected.length)
    } finally {
      await queue.close()
      await redis.stop()
    }
  }).timeout(20_000)
})
