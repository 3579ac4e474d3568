import { Job } from '#queue/job'
import CsvJobs from '#csv/csv_jobs'

/**
 * Every minute (config/queue.ts): CSV jobs whose worker died without the
 * queue handing them again, or whose dispatch never reached the queue,
 * are marked failed (interrupted) instead of showing 処理中 forever.
 */
export default class CsvSweepJob extends Job {
  static jobName = 'csv_sweep'
  static attempts = 1

  async handle() {
    await CsvJobs.sweep()
  }
}
