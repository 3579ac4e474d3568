import type { BackoffOptions, JobLoader } from '#queue/job'

export type { BackoffOptions, JobConstructor, JobContext, JobLoader } from '#queue/job'

export type QueueConfig = {
  redis: { host: string; port: number; password?: string; db: number } | null
  queueName: string
  concurrency: number
  defaults: { attempts: number; backoff: BackoffOptions }
  jobs: Record<string, JobLoader>
  schedules: Record<string, Schedule>
  /** How long a worker's hold on a job lasts without renewal (BullMQ lockDuration; default 30 s) */
  lockDurationMs?: number
  /** How often workers look for jobs whose worker died (BullMQ stalledInterval; default 30 s) */
  stalledIntervalMs?: number
  /** How long a dispatch waits for Redis before refusing (default 3 s) */
  dispatchTimeoutMs?: number
}

/**
 * When a recurring job runs: a cron pattern in the server's time zone, or
 * with the time zone it is meant in (e.g. midnight in Japan on a UTC host).
 */
export type Schedule = string | { pattern: string; tz: string }

export type DispatchResult = { id: string; driver: 'redis' | 'in_process' }
