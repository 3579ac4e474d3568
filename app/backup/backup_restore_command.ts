import { BaseCommand, args, flags } from '@adonisjs/core/ace'
import type { CommandOptions } from '@adonisjs/core/types/ace'

/**
 * Restores a backup into the app's database, which must be empty unless
 * --force, then runs ledger:verify and audit:verify on it. The backup is a
 * file, or s3:<name> in S3 storage (downloaded first). Exits 0 when the
 * restored database verifies, 1 otherwise (a refused file writes nothing).
 */
export default class BackupRestore extends BaseCommand {
  static commandName = 'backup:restore'
  static description = 'Restore a backup into an empty database, then verify the ledger and audit'

  static options: CommandOptions = { startApp: true }

  @args.string({
    description: 'The backup file (.tomoni-backup), or s3:<name> for a copy in S3 storage',
  })
  declare file: string

  @flags.boolean({ description: 'Replace the contents of a database that is not empty' })
  declare force?: boolean

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
      const report = await BackupRemote.withFile(this.file, (file) =>
        Backups.restore(file, { force: this.force })
      )
      this.exitCode = printRestoreReport(this.logger, i18n, report)
    } catch (error) {
      this.exitCode = printRefusal(this.logger, i18n, error)
    }
  }
}
