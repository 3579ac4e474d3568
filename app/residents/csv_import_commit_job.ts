import { Job, type JobContext } from '#queue/job'
import CsvImportJobs from '#residents/csv_import_jobs'

/**
 * The all-or-nothing commit of a checked resident CSV upload (kind
 * resident_import_commit), with progress. See CsvImportJobs.
 */
export default class CsvImportCommitJob extends Job<{ csvJobId: number }> {
  static jobName = 'csv_import_commit'
  static attempts = 1

  async handle(payload: { csvJobId: number }, context: JobContext) {
    await CsvImportJobs.commit(payload.csvJobId, context)
  }
}
