import { Job, type JobContext } from '#queue/job'
import CsvImportJobs from '#residents/csv_import_jobs'

/**
 * The dry run of a resident CSV upload (kind resident_import_preview):
 * every row checked, nothing saved; the report and progress are stored on
 * the CSV job. See CsvImportJobs.
 */
export default class CsvImportPreviewJob extends Job<{ csvJobId: number }> {
  static jobName = 'csv_import_preview'
  // A failure is recorded on the CSV job with its reason; staff start again.
  static attempts = 1

  async handle(payload: { csvJobId: number }, context: JobContext) {
    await CsvImportJobs.preview(payload.csvJobId, context)
  }
}
