/** A backup was written (file: its path, bytes: its size) */
export type BackupSucceeded = { file: string; finishedAt: string; bytes: number }

/** A backup could not be made */
export type BackupFailed = { error: string }

declare module '@adonisjs/core/types' {
  interface EventsList {
    'backup:succeeded': BackupSucceeded
    'backup:failed': BackupFailed
  }
}
