import logger from '@adonisjs/core/services/logger'
import { Job } from '#queue/job'
import Backups, { backupDir } from '#backup/backups'
import BackupRemote from '#backup/backup_remote'
import { pruneBackups } from '#backup/backup_folder'

/**
 * The nightly backup (config/queue.ts): takes a backup, proves it by a
 * restore drill into a scratch database, copies it to S3 storage when
 * configured, then removes what the retention rule no longer keeps, in the
 * folder and in the bucket. A failed drill or copy is a failed backup
 * (event backup:failed); old backups are pruned only after a good one.
 */
export default class BackupNightlyJob extends Job {
  static jobName = 'backup_nightly'
  // A second try an hour later would overlap with the next tasks: one retry soon
  static attempts = 2

  async handle() {
    const made = await Backups.create({ drill: true })
    const removed = await pruneBackups(backupDir())
    const removedCopies = made.copy ? await BackupRemote.prune() : []
    logger.info(
      { file: made.file, bytes: made.bytes, copy: made.copy?.location, removed, removedCopies },
      'nightly backup written and verified'
    )
  }
}
