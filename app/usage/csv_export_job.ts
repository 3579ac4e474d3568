import { Job, type JobContext } from '#queue/job'
import CsvExportJobs from '#usage/csv_export_jobs'

/**
 * A usage export (kinds export_facility_month, export_resident_history,
 * export_plugin_<pluginId>): streams the rows into a file under the CSV
 * jobs directory, with progress, for download. See CsvExportJobs.
 */
export default class CsvExportJob extends Job<{ csvJobId: number }> {
  static jobName = 'csv_export'
  static attempts = 1

  async handle(payload: { csvJobId: number }, context: JobContext) {
    await CsvExportJobs.run(payload.csvJobId, context)
  }
}
