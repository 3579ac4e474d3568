/**
 * A job attempt failed. `final` is true when no retry follows (its last
 * attempt): what an alert is about. Emitted by whichever process ran it.
 */
export type QueueJobFailed = {
  jobName: string
  jobId: string
  error: string
  attemptsMade: number
  final: boolean
}

/** A job attempt ran to its end: an alert about the job's failures is over */
export type QueueJobSucceeded = { jobName: string; jobId: string }

/** A worker is alive (every WORKER_HEARTBEAT_MS), so a watchdog can tell when none is */
export type QueueWorkerHeartbeat = { at: string }

declare module '@adonisjs/core/types' {
  interface EventsList {
    'queue:job_failed': QueueJobFailed
    'queue:job_succeeded': QueueJobSucceeded
    'queue:worker_heartbeat': QueueWorkerHeartbeat
  }
}
