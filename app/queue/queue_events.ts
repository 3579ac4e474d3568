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

/** A worker is alive (every WORKER_HEARTBEAT_MS), so a watchdog can tell when none is */
export type QueueWorkerHeartbeat = { at: string }

declare module '@adonisjs/core/types' {
  interface EventsList {
    'queue:job_failed': QueueJobFailed
    'queue:worker_heartbeat': QueueWorkerHeartbeat
  }
}
