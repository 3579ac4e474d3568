import { randomUUID } from 'node:crypto'
import { once } from 'node:events'
import { setTimeout as sleep } from 'node:timers/promises'
import { Queue, Worker, type ConnectionOptions } from 'bullmq'
import { Redis, type RedisOptions } from 'ioredis'
import { CronExpressionParser } from 'cron-parser'
import type { Logger } from '@adonisjs/core/logger'
import emitter from '@adonisjs/core/services/emitter'
import { QueueUnavailableError } from '#queue/queue_unavailable_error'
import RedisOutageLog from '#queue/redis_outage_log'
import type { QueueJobFailed, QueueJobSucceeded } from '#queue/queue_events'
import type {
  BackoffOptions,
  DispatchResult,
  JobConstructor,
  JobContext,
  JobLoader,
  QueueConfig,
  Schedule,
} from '#queue/types'

/** How long a dispatch waits for Redis before it says the queue is unavailable */
const DISPATCH_TIMEOUT_MS = 3000

/** How often a worker says it is alive (queue:worker_heartbeat) and checks its schedules */
export const WORKER_HEARTBEAT_MS = 60_000

export type QueuedJobSummary = {
  id: string
  name: string
  state: string
  attemptsMade: number
  createdAt: Date
  error: string | null
}

/**
 * Our small queue over BullMQ. With Redis configured, `dispatch` adds the
 * job to a BullMQ queue and a worker process runs it; without Redis, the
 * job runs in this process after the current tick, with the same attempts
 * and backoff. Job classes are the same either way.
 */
export default class QueueManager {
  #config: QueueConfig
  readonly #logger: Logger
  readonly #loaders = new Map<string, JobLoader>()
  readonly #pending = new Set<Promise<void>>()
  // The in-process attempts running now: a shutdown waits for them
  readonly #running = new Set<Promise<void>>()
  // Aborted at shutdown: in-process jobs still waiting (delay, backoff) do not start
  readonly #stopping = new AbortController()
  readonly #timers = new Set<NodeJS.Timeout>()
  readonly #outage: RedisOutageLog
  #connection?: Redis
  #producer?: Redis
  #queue?: Queue
  #workers: Worker[] = []
  #keepingSchedules = false
  /**
   * When this process's queue began: with the in-process driver, a job
   * handed to the queue before then was held by a process that is gone
   */
  readonly startedAt = new Date()

  constructor(config: QueueConfig, logger: Logger) {
    this.#config = config
    this.#logger = logger
    this.#outage = new RedisOutageLog(logger)
    for (const [name, loader] of Object.entries(config.jobs)) this.register(name, loader)
  }

  get driver(): DispatchResult['driver'] {
    return this.#config.redis ? 'redis' : 'in_process'
  }

  get queueName() {
    return this.#config.queueName
  }

  /**
   * Makes a job runnable by name (by workers, which never import the
   * dispatching code). A name can be registered once.
   */
  register(name: string, loader: JobLoader) {
    if (this.#loaders.has(name)) {
      throw new Error(`Job "${name}" is registered twice`)
    }
    this.#loaders.set(name, loader)
  }

  hasJob(name: string) {
    return this.#loaders.has(name)
  }

  /**
   * Queues a job, given its class or its registered name. A service that
   * the job itself imports dispatches by name, so the two never import each
   * other.
   */
  async dispatch<Payload>(
    jobOrName: JobConstructor<Payload> | string,
    payload: Payload,
    options: { delayMs?: number; jobId?: string } = {}
  ): Promise<DispatchResult> {
    const name = typeof jobOrName === 'string' ? jobOrName : jobOrName.jobName
    const loader = this.#loaders.get(name)
    if (!loader) {
      throw new Error(`Job "${name}" is not registered with the queue`)
    }
    const job = typeof jobOrName === 'string' ? await this.#jobClass(loader) : jobOrName
    const attempts = job.attempts ?? this.#config.defaults.attempts
    const backoff = job.backoff ?? this.#config.defaults.backoff

    if (this.#config.redis) {
      const added = await this.#withinDispatchTimeout(name, () =>
        this.#bullQueue().add(name, payload, {
          attempts,
          backoff,
          delay: options.delayMs,
          jobId: options.jobId,
          removeOnComplete: { count: 1000 },
          removeOnFail: { count: 5000 },
        })
      )
      return { id: String(added.id), driver: 'redis' }
    }

    const id = options.jobId ?? randomUUID()
    const run = this.#runInProcess(name, id, payload, attempts, backoff, options.delayMs ?? 0)
    this.#pending.add(run)
    void run.finally(() => this.#pending.delete(run))
    return { id, driver: 'in_process' }
  }

  /**
   * Runs a Redis command of the producer only when Redis answers: a
   * dispatch while it is down fails after DISPATCH_TIMEOUT_MS at most with
   * QueueUnavailableError (the producer has no offline queue, so nothing
   * is sent later behind the caller's back).
   */
  async #withinDispatchTimeout<T>(name: string, command: () => Promise<T>): Promise<T> {
    const timeoutMs = this.#config.dispatchTimeoutMs ?? DISPATCH_TIMEOUT_MS
    const producer = this.#producerConnection()
    let timer: NodeJS.Timeout | undefined
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new QueueUnavailableError(name)), timeoutMs)
    })
    try {
      if (producer.status !== 'ready') {
        await Promise.race([once(producer, 'ready'), timeout])
      }
      return await Promise.race([command(), timeout])
    } catch (error) {
      if (error instanceof QueueUnavailableError) throw error
      throw new QueueUnavailableError(name, { cause: error })
    } finally {
      clearTimeout(timer)
    }
  }

  async #jobClass(loader: JobLoader) {
    const module = await loader()
    return module.default
  }

  /**
   * Runs one attempt of a job by name. Both drivers end up here.
   */
  async process(name: string, payload: unknown, context: JobContext) {
    const loader = this.#loaders.get(name)
    if (!loader) throw new Error(`Job "${name}" is not registered with the queue`)
    const JobClass = await this.#jobClass(loader)
    await new JobClass().handle(payload, context)
    const succeeded: QueueJobSucceeded = { jobName: name, jobId: context.jobId }
    void emitter.emit('queue:job_succeeded', succeeded)
  }

  /**
   * Waits until every in-process job (and its retries) has settled.
   * Tests and short-lived commands call this before they read results.
   */
  async drain() {
    while (this.#pending.size > 0) {
      await Promise.allSettled([...this.#pending])
    }
  }

  /**
   * Starts a BullMQ worker on this process (what `queue:work` runs).
   */
  startWorker(concurrency = this.#config.concurrency) {
    if (!this.#config.redis) {
      throw new Error('queue:work needs REDIS_HOST; without Redis, jobs run in the web process')
    }
    const worker = new Worker(
      this.#config.queueName,
      (job) =>
        this.process(job.name, job.data, {
          attempt: job.attemptsMade + 1,
          jobId: String(job.id),
          // Started before without finishing: its worker died (or stalled)
          redelivered: job.attemptsStarted > job.attemptsMade + 1,
        }),
      {
        connection: this.#redisOptions(),
        concurrency,
        // A killed worker's job goes back to the queue once its lock expires
        // (BullMQ's defaults unless configured: an undefined would replace them)
        ...(this.#config.lockDurationMs ? { lockDuration: this.#config.lockDurationMs } : {}),
        ...(this.#config.stalledIntervalMs
          ? { stalledInterval: this.#config.stalledIntervalMs }
          : {}),
      }
    )
    this.#outage.watch(worker, 'worker')
    worker.on('failed', (job, error) => {
      const attempts = job?.opts.attempts ?? 1
      this.#attemptFailed({
        jobName: job?.name ?? 'unknown',
        jobId: String(job?.id ?? ''),
        error: error.message,
        attemptsMade: job?.attemptsMade ?? 0,
        final: !job || job.attemptsMade >= attempts,
      })
    })
    this.#workers.push(worker)
    return worker
  }

  #attemptFailed(failure: QueueJobFailed, error?: unknown) {
    this.#logger.error(
      { job: failure.jobName, jobId: failure.jobId, attempt: failure.attemptsMade, err: error },
      failure.final ? 'job failed after its last attempt' : 'job attempt failed'
    )
    void emitter.emit('queue:job_failed', failure)
  }

  /**
   * What a worker process does while it runs: says it is alive every
   * WORKER_HEARTBEAT_MS (queue:worker_heartbeat), and puts the recurring
   * jobs back whenever Redis comes back (a restarted Redis may have lost
   * them) or a heartbeat finds one missing. Upserting a scheduler is
   * idempotent: still one run per tick, however many workers do it.
   */
  keepAlive(schedules: Record<string, Schedule> = this.#config.schedules) {
    const beat = () => void emitter.emit('queue:worker_heartbeat', { at: new Date().toISOString() })
    beat()
    const timer = setInterval(() => {
      beat()
      if (this.#config.redis) void this.#reassertSchedules(schedules, false)
    }, WORKER_HEARTBEAT_MS)
    timer.unref()
    this.#timers.add(timer)
    if (this.#config.redis && !this.#keepingSchedules) {
      this.#keepingSchedules = true
      this.#producerConnection().on('ready', () => void this.#reassertSchedules(schedules, true))
    }
  }

  async #reassertSchedules(schedules: Record<string, Schedule>, reconnected: boolean) {
    try {
      if (!reconnected) {
        const present = await this.#bullQueue().getJobSchedulersCount()
        if (present >= Object.keys(schedules).length) return
      }
      await this.startSchedules(schedules)
      this.#logger.info({ reconnected }, 'recurring jobs asserted on Redis')
    } catch (error) {
      this.#logger.warn({ err: error }, 'recurring jobs not asserted yet (Redis unavailable)')
    }
  }

  /**
   * Installs the configured recurring jobs. On Redis they become BullMQ job
   * schedulers (one per name, however many workers start); in-process they
   * run on timers in this process.
   */
  async startSchedules(schedules: Record<string, Schedule> = this.#config.schedules) {
    for (const [name, schedule] of Object.entries(schedules)) {
      if (this.#config.redis) {
        await this.#bullQueue().upsertJobScheduler(name, repeatOf(schedule), { name, data: {} })
      } else {
        this.#scheduleInProcess(name, schedule)
      }
    }
  }

  /**
   * Stops taking jobs and waits for the ones in hand: BullMQ's `close()`
   * lets the active jobs finish; in process, the running attempts finish
   * and jobs still waiting for their delay or backoff are not started.
   */
  async close() {
    for (const timer of this.#timers) clearTimeout(timer)
    this.#timers.clear()
    this.#stopping.abort()
    if (this.#running.size > 0) {
      this.#logger.info({ jobs: this.#running.size }, 'queue closing: finishing the jobs in hand')
    }
    await Promise.allSettled([...this.#running])
    await Promise.all(this.#workers.map((worker) => worker.close()))
    this.#workers = []
    await this.#closeProducer()
    if (this.#connection) {
      await this.#connection.quit().catch(() => {})
      this.#connection = undefined
    }
  }

  async #closeProducer() {
    await this.#queue?.close().catch(() => {})
    this.#queue = undefined
    this.#producer?.disconnect()
    this.#producer = undefined
    this.#keepingSchedules = false
  }

  /**
   * Points dispatching (and inspection) at another Redis, or none: for
   * fault drills and their tests. Running workers keep their connection.
   */
  async useRedis(redis: QueueConfig['redis']) {
    await this.#closeProducer()
    this.#config = { ...this.#config, redis }
  }

  /**
   * The BullMQ queue, for inspection (counts, failed jobs) by tests and
   * operators. Only with Redis.
   */
  bullQueue() {
    return this.#bullQueue()
  }

  /**
   * The latest BullMQ jobs (Redis only), newest first, for operators
   * (`jobs:list`). Fails fast with QueueUnavailableError when Redis is down.
   */
  async recentJobs(limit = 20): Promise<QueuedJobSummary[]> {
    if (!this.#config.redis) return []
    return this.#withinDispatchTimeout('jobs:list', async () => {
      const jobs = await this.#bullQueue().getJobs(
        ['active', 'waiting', 'delayed', 'prioritized', 'failed', 'completed'],
        0,
        limit - 1,
        false
      )
      const summaries = await Promise.all(
        jobs.map(async (job) => ({
          id: String(job.id),
          name: job.name,
          state: await job.getState(),
          attemptsMade: job.attemptsMade,
          createdAt: new Date(job.timestamp),
          error: job.failedReason || null,
        }))
      )
      return summaries.sort((a, b) => b.createdAt.getTime() - a.createdAt.getTime()).slice(0, limit)
    })
  }

  /** Runs a failed BullMQ job again (`jobs:retry queue:<id>`); false when it is not failed */
  async retryJob(id: string) {
    if (!this.#config.redis) return false
    return this.#withinDispatchTimeout('jobs:retry', async () => {
      const job = await this.#bullQueue().getJob(id)
      if (!job || (await job.getState()) !== 'failed') return false
      await job.retry('failed')
      return true
    })
  }

  /**
   * A Redis client sharing the queue's settings, for health checks.
   */
  redisConnection(): Redis | undefined {
    if (!this.#config.redis) return undefined
    if (!this.#connection) {
      this.#connection = new Redis(this.#redisOptions())
      this.#outage.watch(this.#connection, 'health')
    }
    return this.#connection
  }

  #bullQueue() {
    if (!this.#config.redis) throw new Error('No Redis configured for the queue')
    if (!this.#queue) {
      this.#queue = new Queue(this.#config.queueName, { connection: this.#producerConnection() })
      this.#outage.watch(this.#queue, 'queue')
    }
    return this.#queue
  }

  /**
   * The client that adds jobs: no offline queue and one try per command,
   * so a dispatch while Redis is down fails instead of waiting for it.
   * It keeps reconnecting in the background.
   */
  #producerConnection() {
    if (!this.#producer) {
      const options: RedisOptions = {
        ...this.#redisOptions(),
        enableOfflineQueue: false,
        maxRetriesPerRequest: 1,
        connectTimeout: 2000,
        retryStrategy: (times) => Math.min(times * 200, 2000),
      }
      this.#producer = new Redis(options)
      this.#outage.watch(this.#producer, 'producer')
    }
    return this.#producer
  }

  #redisOptions(): ConnectionOptions & RedisOptions & { maxRetriesPerRequest: null } {
    const redis = this.#config.redis!
    return {
      host: redis.host,
      port: redis.port,
      password: redis.password,
      db: redis.db,
      // BullMQ workers block on Redis; they must not give up on a slow reply.
      maxRetriesPerRequest: null,
    }
  }

  async #runInProcess(
    name: string,
    jobId: string,
    payload: unknown,
    attempts: number,
    backoff: BackoffOptions,
    delayMs: number
  ) {
    // Never run inside the dispatcher's transaction or request tick.
    if (!(await this.#wait(delayMs))) return this.#notStarted(name, jobId)
    for (let attempt = 1; attempt <= attempts; attempt++) {
      const run = this.process(name, payload, { attempt, jobId, redelivered: false })
      this.#running.add(run)
      try {
        await run
        return
      } catch (error) {
        const final = attempt === attempts
        this.#attemptFailed(
          {
            jobName: name,
            jobId,
            error: error instanceof Error ? error.message : String(error),
            attemptsMade: attempt,
            final,
          },
          error
        )
        if (final) return
        if (!(await this.#wait(backoffDelay(backoff, attempt)))) {
          return this.#notStarted(name, jobId)
        }
      } finally {
        this.#running.delete(run)
      }
    }
  }

  /** Waits, unless the process is shutting down (false) */
  async #wait(ms: number) {
    if (this.#stopping.signal.aborted) return false
    try {
      await sleep(ms, undefined, { signal: this.#stopping.signal })
      return true
    } catch {
      return false
    }
  }

  #notStarted(name: string, jobId: string) {
    this.#logger.warn({ job: name, jobId }, 'job not started: the process is shutting down')
  }

  /**
   * Dispatches a recurring job by name, with its class's own attempts and
   * backoff.
   */
  async #dispatchScheduled(name: string) {
    const loader = this.#loaders.get(name)
    if (!loader) throw new Error(`Job "${name}" is not registered with the queue`)
    const { default: JobClass } = await loader()
    await this.dispatch(JobClass, {})
  }

  #scheduleInProcess(name: string, schedule: Schedule) {
    const next = nextScheduledRun(schedule).getTime()
    const timer = setTimeout(
      () => {
        this.#timers.delete(timer)
        void this.#dispatchScheduled(name).catch((error) =>
          this.#logger.error({ job: name, err: error }, 'scheduled dispatch failed')
        )
        this.#scheduleInProcess(name, schedule)
      },
      Math.max(0, next - Date.now())
    )
    timer.unref()
    this.#timers.add(timer)
  }
}

/**
 * Same formula as BullMQ's built-in strategies, so both drivers retry alike.
 */
export function backoffDelay(backoff: BackoffOptions, attempt: number) {
  return backoff.type === 'fixed' ? backoff.delay : Math.round(2 ** (attempt - 1) * backoff.delay)
}

/**
 * The next time a schedule fires after `after`, in its own time zone when
 * it names one. The in-process timers use it; BullMQ computes the same.
 */
export function nextScheduledRun(schedule: Schedule, after = new Date()) {
  const { pattern, tz } = repeatOf(schedule)
  return CronExpressionParser.parse(pattern, { currentDate: after, tz }).next().toDate()
}

function repeatOf(schedule: Schedule): { pattern: string; tz?: string } {
  return typeof schedule === 'string' ? { pattern: schedule } : schedule
}
