import { BaseCommand, args } from '@adonisjs/core/ace'
import type { CommandOptions } from '@adonisjs/core/types/ace'

/**
 * The restore drill: restores a backup into a scratch database, checks the
 * row counts against its manifest, runs ledger:verify and audit:verify on
 * it and drops it. Exits 0 when all hold, 1 otherwise.
 */
export default class BackupVerify extends BaseCommand {
  static commandName = 'backup:verify'
  static description = 'Restore a backup into a scratch database and verify it (restore drill)'

  static options: CommandOptions = { startApp: true }

  @args.string({ description: 'The backup file (.tomoni-backup)' })
  declare file: string

  async run() {
    const { default: Backups } = await import('#backup/backups')
    const { printRefusal, printRestoreReport } = await import('#backup/backup_report')
    try {
      this.exitCode = printRestoreReport(this.logger, await Backups.verify(this.file))
    } catch (error) {
      this.exitCode = printRefusal(this.logger, error)
    }
  }
}
