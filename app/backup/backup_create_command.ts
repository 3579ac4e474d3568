import { BaseCommand } from '@adonisjs/core/ace'
import type { CommandOptions } from '@adonisjs/core/types/ace'

/**
 * Takes an encrypted backup of the database now, while the app serves.
 * Exits 0 naming the file, 1 with the reason otherwise.
 */
export default class BackupCreate extends BaseCommand {
  static commandName = 'backup:create'
  static description =
    'Take an encrypted, consistent backup of the database (BACKUP_KEY, BACKUP_DIR)'

  static options: CommandOptions = { startApp: true }

  async run() {
    const { default: Backups } = await import('#backup/backups')
    const { printRefusal } = await import('#backup/backup_report')
    try {
      const { file, bytes, manifest } = await Backups.create()
      const rows = Object.values(manifest.rowCounts).reduce((sum, count) => sum + count, 0)
      this.logger.success(
        `Backup written: ${file} (${(bytes / 1e6).toFixed(1)} MB, ${rows} rows in ` +
          `${Object.keys(manifest.rowCounts).length} tables)`
      )
      this.exitCode = 0
    } catch (error) {
      this.exitCode = printRefusal(this.logger, error)
    }
  }
}
