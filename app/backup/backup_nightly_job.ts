import logger from '@adonisjs/core/services/logger'
import emitter from '@adonisjs/core/services/emitter'
import { Job } from '#queue/job'
import Backups, { backupDir } from '#backup/backups'
import { pruneBackups } from '#backup/backup_folder'

/**
 * The nightly backup (config/queue.ts): takes a backup, proves it by a
 * restore drill into a scratch database, then removes what the retention
 * rule no longer keeps. A drill that fails is a failed backup (event
 * backup:failed); old backups are pruned only after a good one.
 */
export default class BackupNightlyJob extends Job {
  static jobName = 'backup_nightly'
  // A second try an hour later would overlap with the next tasks: one retry soon
  static attempts = 2

  async handle() {
    const made = await Backups.create()
    const drill = await Backups.verify(made.file)
    if (!drill.ok) {
      const failed = [
        ...drill.countMismatches.map((mismatch) => `${mismatch.table} row count`),
        ...drill.verifiers.filter((run) => !run.ok).map((run) => run.command),
      ]
      const error = `restore drill of ${made.file} failed: ${failed.join(', ')}`
      await emitter.emit('backup:failed', { error })
      throw new Error(error)
    }
    const removed = await pruneBackups(backupDir())
    logger.info(
      { file: made.file, bytes: made.bytes, removed },
      'nightly backup written and verified'
    )
  }
}
