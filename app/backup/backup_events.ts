import type { BackupCopy } from '#backup/backup_remote'

/**
 * A backup was written (file: its path, bytes: its size) and checked;
 * copy: where its copy in S3 storage went (null: none configured)
 */
export type BackupSucceeded = {
  file: string
  finishedAt: string
  bytes: number
  copy?: BackupCopy | null
}

/** A backup could not be made */
export type BackupFailed = { error: string }

declare module '@adonisjs/core/types' {
  interface EventsList {
    'backup:succeeded': BackupSucceeded
    'backup:failed': BackupFailed
  }
}
