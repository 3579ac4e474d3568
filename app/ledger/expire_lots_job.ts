import logger from '@adonisjs/core/services/logger'
import { Job } from '#queue/job'
import LedgerEngine from '#ledger/ledger_engine'
import ExpiryReminders from '#ledger/expiry_reminders'
import { todayInJapan } from '#ledger/coupon_issuance'

/**
 * The ledger's daily round, just after midnight in Japan (config/queue.ts):
 * expires what is left on lots whose last day has passed, then reminds
 * residents of hours lapsing in 30 and 7 days. Both steps are safe to run
 * again, so the queue's retries repeat only what did not happen.
 */
export default class ExpireLotsJob extends Job {
  static jobName = 'expire_lots'

  async handle() {
    const today = todayInJapan()
    const expired = await LedgerEngine.expireLapsed(today)
    const reminders = await ExpiryReminders.send(today)
    logger.info(
      { today, expiredLots: expired, ...reminders },
      'expired lapsed lots, sent reminders'
    )
    if (reminders.failed > 0) {
      throw new Error(`${reminders.failed} expiry reminder(s) failed; the retry sends them`)
    }
  }
}
