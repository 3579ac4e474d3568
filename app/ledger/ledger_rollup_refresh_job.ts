import { Job } from '#queue/job'
import LedgerRollupRefresh from '#ledger/ledger_rollup_refresh'

/**
 * Every minute (config/queue.ts): recomputes the months the ledger marked
 * since, so a statistics or usage screen's own refresh finds little to do.
 */
export default class LedgerRollupRefreshJob extends Job {
  static jobName = 'ledger_rollup_refresh'

  async handle() {
    await LedgerRollupRefresh.run()
  }
}
