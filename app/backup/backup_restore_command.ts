import { BaseCommand, args, flags } from '@adonisjs/core/ace'
import type { CommandOptions } from '@adonisjs/core/types/ace'

/**
 * Restores a backup into the app's database, which must be empty unless
 * --force, then runs ledger:verify and audit:verify on it. Exits 0 when
 * the restored database verifies, 1 otherwise (a refused file writes
 * nothing).
 */
export default class BackupRestore extends BaseCommand {
  static commandName = 'backup:restore'
  static description = 'Restore a backup into an empty database, then verify the ledger and audit'

  static options: CommandOptions = { startApp: true }

  @args.string({ description: 'The backup file (.tomoni-backup)' })
  declare file: string

  @flags.boolean({ description: 'Replace the contents of a database that is not empty' })
  declare force?: boolean

  async run() {
    const { default: Backups } = await import('#backup/backups')
    const { printRefusal, printRestoreReport } = await import('#backup/backup_report')
    try {
      const report = await Backups.restore(this.file, { force: this.force })
      this.exitCode = printRestoreReport(this.logger, report)
    } catch (error) {
      this.exitCode = printRefusal(this.logger, error)
    }
  }
}
