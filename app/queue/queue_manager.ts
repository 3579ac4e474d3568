import { randomUUID } from 'node:crypto'
import { setTimeout as sleep } from 'node:timers/promises'
import { Queue, Worker, type ConnectionOptions } from 'bullmq'
import { Redis } from 'ioredis'
import { CronExpressionParser } from 'cron-parser'
import type { Logger } from '@adonisjs/core/logger'
import type {
  BackoffOptions,
  DispatchResult,
  JobConstructor,
  JobLoader,
  QueueConfig,
  Schedule,
} from '#queue/types'

/**
 * Our small queue over BullMQ. With Redis configured, `dispatch` adds the
 * job to a BullMQ queue and a worker process runs it; without Redis, the
 * job runs in this process after the current tick, with the same attempts
 * and backoff. Job classes are the same either way.
 */
export default class QueueManager {
  readonly #config: QueueConfig
  readonly #logger: Logger
  readonly #loaders = new Map<string, JobLoader>()
  readonly #pending = new Set<Promise<void>>()
  // The in-process attempts running now: a shutdown waits for them
  readonly #running = new Set<Promise<void>>()
  // Aborted at shutdown: in-process jobs still waiting (delay, backoff) do not start
  readonly #stopping = new AbortController()
  readonly #timers = new Set<NodeJS.Timeout>()
  #connection?: Redis
  #queue?: Queue
  #workers: Worker[] = []

  constructor(config: QueueConfig, logger: Logger) {
    this.#config = config
    this.#logger = logger
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
      const added = await this.#bullQueue().add(name, payload, {
        attempts,
        backoff,
        delay: options.delayMs,
        jobId: options.jobId,
        removeOnComplete: { count: 1000 },
        removeOnFail: { count: 5000 },
      })
      return { id: String(added.id), driver: 'redis' }
    }

    const id = options.jobId ?? randomUUID()
    const run = this.#runInProcess(name, id, payload, attempts, backoff, options.delayMs ?? 0)
    this.#pending.add(run)
    void run.finally(() => this.#pending.delete(run))
    return { id, driver: 'in_process' }
  }

  async #jobClass(loader: JobLoader) {
    const module = await loader()
    return module.default
  }

  /**
   * Runs one attempt of a job by name. Both drivers end up here.
   */
  async process(name: string, payload: unknown, context: { attempt: number; jobId: string }) {
    const loader = this.#loaders.get(name)
    if (!loader) throw new Error(`Job "${name}" is not registered with the queue`)
    const JobClass = await this.#jobClass(loader)
    await new JobClass().handle(payload, context)
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
        }),
      { connection: this.#redisOptions(), concurrency }
    )
    worker.on('failed', (job, error) => {
      this.#logger.error(
        { job: job?.name, jobId: job?.id, attempt: job?.attemptsMade, err: error },
        'job attempt failed'
      )
    })
    this.#workers.push(worker)
    return worker
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
    await this.#queue?.close()
    this.#queue = undefined
    if (this.#connection) {
      await this.#connection.quit().catch(() => {})
      this.#connection = undefined
    }
  }

  /**
   * The BullMQ queue, for inspection (counts, failed jobs) by tests and
   * operators. Only with Redis.
   */
  bullQueue() {
    return this.#bullQueue()
  }

  /**
   * A Redis client sharing the queue's settings, for health checks.
   */
  redisConnection(): Redis | undefined {
    if (!this.#config.redis) return undefined
    this.#connection ??= new Redis(this.#redisOptions())
    return this.#connection
  }

  #bullQueue() {
    if (!this.#config.redis) throw new Error('No Redis configured for the queue')
    this.#queue ??= new Queue(this.#config.queueName, { connection: this.#redisOptions() })
    return this.#queue
  }

  #redisOptions(): ConnectionOptions & { maxRetriesPerRequest: null } {
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
      const run = this.process(name, payload, { attempt, jobId })
      this.#running.add(run)
      try {
        await run
        return
      } catch (error) {
        this.#logger.error({ job: name, jobId, attempt, err: error }, 'job attempt failed')
        if (attempt === attempts) return
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
