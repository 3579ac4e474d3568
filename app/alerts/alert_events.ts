/*
| The events the alerts listen to, as their emitters declare them: the
| queue (a job failed, a worker is alive) and the backups.
*/
export type { QueueJobFailed, QueueJobSucceeded, QueueWorkerHeartbeat } from '#queue/queue_events'
export type { BackupFailed, BackupSucceeded } from '#backup/backup_events'
