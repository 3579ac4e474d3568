import { BaseCommand, flags } from '@adonisjs/core/ace'
import type { CommandOptions } from '@adonisjs/core/types/ace'

/**
 * Takes an encrypted backup of the database now, while the app serves,
 * checks it and copies it to S3 storage when BACKUP_S3_BUCKET is set.
 * Exits 0 naming the file (and its copy), 1 with the reason otherwise.
 */
export default class BackupCreate extends BaseCommand {
  static commandName = 'backup:create'
  static description =
    'Take an encrypted, consistent backup of the database (BACKUP_KEY, BACKUP_DIR, BACKUP_S3_*)'

  static options: CommandOptions = { startApp: true }

  @flags.string({ description: 'Language of the messages: ja (default) or en' })
  declare locale?: string

  async run() {
    const { default: Backups } = await import('#backup/backups')
    const { commandI18n, printRefusal } = await import('#backup/backup_report')
    const i18n = commandI18n(this.logger, this.locale)
    if (!i18n) {
      this.exitCode = 1
      return
    }
    try {
      const { file, bytes, manifest, copy } = await Backups.create()
      const rows = Object.values(manifest.rowCounts).reduce((sum, count) => sum + count, 0)
      this.logger.success(
        i18n.t('backup.report.created', {
          file,
          megabytes: (bytes / 1e6).toFixed(1),
          rows,
          tables: Object.keys(manifest.rowCounts).length,
        })
      )
      if (copy) this.logger.success(i18n.t('backup.report.copied', { location: copy.location }))
      this.exitCode = 0
    } catch (error) {
      this.exitCode = printRefusal(this.logger, i18n, error)
    }
  }
}
