import { BaseCommand, args, flags } from '@adonisjs/core/ace'
import type { CommandOptions } from '@adonisjs/core/types/ace'

/**
 * The restore drill: restores a backup (a file, or s3:<name> in S3
 * storage, downloaded first) into a scratch database, checks the row
 * counts against its manifest, runs ledger:verify and audit:verify on it
 * and drops it. Exits 0 when all hold, 1 otherwise.
 */
export default class BackupVerify extends BaseCommand {
  static commandName = 'backup:verify'
  static description = 'Restore a backup into a scratch database and verify it (restore drill)'

  static options: CommandOptions = { startApp: true }

  @args.string({
    description: 'The backup file (.tomoni-backup), or s3:<name> for a copy in S3 storage',
  })
  declare file: string

  @flags.string({ description: 'Language of the messages: ja (default) or en' })
  declare locale?: string

  async run() {
    const { default: Backups } = await import('#backup/backups')
    const { default: BackupRemote } = await import('#backup/backup_remote')
    const { commandI18n, printRefusal, printRestoreReport } = await import('#backup/backup_report')
    const i18n = commandI18n(this.logger, this.locale)
    if (!i18n) {
      this.exitCode = 1
      return
    }
    try {
      const report = await BackupRemote.withFile(this.file, (file) => Backups.verify(file))
      this.exitCode = printRestoreReport(this.logger, i18n, report)
    } catch (error) {
      this.exitCode = printRefusal(this.logger, i18n, error)
    }
  }
}
