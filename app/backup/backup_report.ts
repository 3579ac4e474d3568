import type { BaseCommand } from '@adonisjs/core/ace'
import i18nManager from '@adonisjs/i18n/services/main'
import type { I18n } from '@adonisjs/i18n'
import { DEFAULT_LOCALE, SUPPORTED_LOCALES } from '#config/i18n'
import BackupRefusal from '#backup/backup_refusal'
import type { RestoreReport } from '#backup/backups'

type Logger = BaseCommand['logger']

/**
 * The language of a backup command's messages: --locale, Japanese by
 * default (as residents:import); null after saying, in English, that the
 * language asked for is unknown.
 */
export function commandI18n(logger: Logger, locale: string | undefined): I18n | null {
  const chosen = locale ?? DEFAULT_LOCALE
  if (!(SUPPORTED_LOCALES as readonly string[]).includes(chosen)) {
    logger.error(i18nManager.locale('en').t('backup.report.unknown_locale', { locale: chosen }))
    return null
  }
  return i18nManager.locale(chosen)
}

/** Prints a restore's outcome the way the operator's verifiers do; the exit code */
export function printRestoreReport(logger: Logger, i18n: I18n, report: RestoreReport) {
  const { manifest } = report
  logger.info(
    i18n.t('backup.report.backup_of', {
      createdAt: manifest.createdAt,
      appVersion: manifest.appVersion,
      database: manifest.database,
      lastMigration: manifest.lastMigration ?? i18n.t('backup.report.no_migration'),
    })
  )
  const rows = Object.values(manifest.rowCounts).reduce((sum, count) => sum + count, 0)
  if (report.countMismatches.length === 0) {
    logger.success(
      i18n.t('backup.report.counts_match', {
        tables: Object.keys(manifest.rowCounts).length,
        rows,
      })
    )
  }
  for (const mismatch of report.countMismatches) {
    logger.error(i18n.t('backup.report.count_mismatch', mismatch))
  }
  for (const run of report.verifiers) {
    const print = run.ok ? logger.success.bind(logger) : logger.error.bind(logger)
    print(
      i18n.t(run.ok ? 'backup.report.verifier_passed' : 'backup.report.verifier_failed', {
        command: run.command,
      })
    )
    for (const line of run.output.split('\n').filter(Boolean)) logger.log(`  ${line}`)
  }
  return report.ok ? 0 : 1
}

/** A refusal is the operator's message; anything else is rethrown */
export function printRefusal(logger: Logger, i18n: I18n, error: unknown) {
  if (!(error instanceof BackupRefusal)) throw error
  logger.error(error.in(i18n.locale))
  return 1
}
