import type { BaseCommand } from '@adonisjs/core/ace'
import BackupRefusal from '#backup/backup_refusal'
import type { RestoreReport } from '#backup/backups'

/** Prints a restore's outcome the way the operator's verifiers do; the exit code */
export function printRestoreReport(logger: BaseCommand['logger'], report: RestoreReport) {
  const { manifest } = report
  logger.info(
    `Backup of ${manifest.createdAt} (app ${manifest.appVersion}, ${manifest.database}, ` +
      `last migration ${manifest.lastMigration ?? 'none'})`
  )
  const rows = Object.values(manifest.rowCounts).reduce((sum, count) => sum + count, 0)
  if (report.countMismatches.length === 0) {
    logger.success(
      `Row counts match the manifest: ${Object.keys(manifest.rowCounts).length} tables, ${rows} rows`
    )
  }
  for (const mismatch of report.countMismatches) {
    logger.error(
      `${mismatch.table}: ${mismatch.restored} rows restored, the manifest says ${mismatch.expected}`
    )
  }
  for (const run of report.verifiers) {
    const print = run.ok ? logger.success.bind(logger) : logger.error.bind(logger)
    print(`${run.command}: ${run.ok ? 'passed' : 'FAILED'}`)
    for (const line of run.output.split('\n').filter(Boolean)) logger.log(`  ${line}`)
  }
  return report.ok ? 0 : 1
}

/** A refusal is the operator's message; anything else is rethrown */
export function printRefusal(logger: BaseCommand['logger'], error: unknown) {
  if (!(error instanceof BackupRefusal)) throw error
  logger.error(error.message)
  return 1
}
