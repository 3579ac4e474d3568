import logger from '@adonisjs/core/services/logger'
import { Job } from '#queue/job'
import CsvJobs from '#csv/csv_jobs'

/**
 * Deletes CSV uploads and export files older than seven days (they hold
 * residents' data), daily from the queue schedule (config/queue.ts). The
 * jobs stay listed; their download is gone.
 */
export default class CsvPruneJob extends Job {
  static jobName = 'csv_prune'

  async handle() {
    const removed = await CsvJobs.prune()
    logger.info({ removed }, 'pruned old CSV job files')
  }
}
