import db from '@adonisjs/lucid/services/db'
import { Job } from '#queue/job'

/**
 * Deletes server-side sessions past their expiry. Runs hourly from the
 * queue schedule (config/queue.ts).
 */
export default class PruneExpiredSessionsJob extends Job {
  static jobName = 'prune_expired_sessions'

  async handle() {
    await db.from('sessions').where('expires_at', '<', new Date()).delete()
  }
}
