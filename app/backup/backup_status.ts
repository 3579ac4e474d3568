import { newestBackupAt } from '#backup/backup_folder'
import { backupDir } from '#backup/backups'

/**
 * When the newest backup in BACKUP_DIR was taken (null: none yet), for the
 * health checks and metrics.
 */
export function lastSuccessfulBackupAt(): Promise<Date | null> {
  return newestBackupAt(backupDir())
}
