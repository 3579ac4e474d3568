/*
| The events the alerts listen to. The queue and the backups emit them; the
| shapes are declared here too (identically) so that the alerts compile
| whichever of them is present.
*/

/** A job threw; `final` when no retry is left */
export type QueueJobFailed = {
  jobName: string
  jobId: string
  error: string
  attemptsMade: number
  final: boolean
}

/** A worker is alive (every 60 s) */
export type QueueWorkerHeartbeat = { at: string }

export type BackupFailed = { error: string }

export type BackupSucceeded = { file: string; finishedAt: string; bytes: number }

declare module '@adonisjs/core/types' {
  interface EventsList {
    'queue:job_failed': QueueJobFailed
    'queue:worker_heartbeat': QueueWorkerHeartbeat
    'backup:failed': BackupFailed
    'backup:succeeded': BackupSucceeded
  }
}
