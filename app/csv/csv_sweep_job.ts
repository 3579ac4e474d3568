import { Job } from '#queue/job'
import CsvJobs from '#csv/csv_jobs'
import queue from '#queue/queue'

/**
 * Every minute (config/queue.ts): CSV jobs whose worker died without the
 * queue handing them again, or whose dispatch never reached the queue,
 * are marked failed (interrupted) instead of showing 処理中 forever.
 * Without Redis this process holds the queue in memory, so a job handed
 * to it before it started was lost with the previous process.
 */
export default class CsvSweepJob extends Job {
  static jobName = 'csv_sweep'
  static attempts = 1

  async handle() {
    const lostBefore = queue.driver === 'in_process' ? queue.startedAt : null
    await CsvJobs.sweep(undefined, lostBefore)
  }
}
