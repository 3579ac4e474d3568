import { BaseCommand } from '@adonisjs/core/ace'
import type { CommandOptions } from '@adonisjs/core/types/ace'

/**
 * Recomputes every balance from the ledger entries and checks the
 * invariants. Exits 0, or 1 naming the first violation.
 */
export default class LedgerVerify extends BaseCommand {
  static commandName = 'ledger:verify'
  static description = 'Recompute ledger balances from the entries and check the invariants'

  static options: CommandOptions = { startApp: true }

  async run() {
    const { default: LedgerVerifier } = await import('#ledger/ledger_verifier')
    const violation = await LedgerVerifier.firstViolation()
    if (violation) {
      this.logger.error(`${violation.subject}: ${violation.message}`)
      this.exitCode = 1
      return
    }
    this.logger.success('Ledger consistent: every balance matches its entries')
    this.exitCode = 0
  }
}
