import logger from '@adonisjs/core/services/logger'
import { Job } from '#queue/job'
import LedgerVerifier from '#ledger/ledger_verifier'
import AuditVerifier from '#audit/audit_verifier'
import Alerts from '#alerts/alerts'

export const LEDGER_VERIFY_CONDITION = 'ledger_verify'
export const AUDIT_VERIFY_CONDITION = 'audit_verify'

/**
 * The nightly ledger:verify and audit:verify (config/queue.ts): a failure
 * raises its alert, a clean run resolves it.
 */
export default class ChainVerifyJob extends Job {
  static jobName = 'chain_verify'

  async handle() {
    const violation = await LedgerVerifier.firstViolation()
    if (violation) {
      logger.error({ subject: violation.subject }, `ledger:verify: ${violation.message}`)
      await Alerts.raise(LEDGER_VERIFY_CONDITION, { subject: violation.subject })
    } else {
      await Alerts.resolve(LEDGER_VERIFY_CONDITION)
    }

    const reports = await AuditVerifier.verifyAll()
    const broken = reports.filter((report) => report.firstBreak)
    if (broken.length > 0) {
      for (const report of broken) {
        logger.error({ chainKey: report.chainKey }, `audit:verify: ${report.firstBreak!.message}`)
      }
      await Alerts.raise(AUDIT_VERIFY_CONDITION, {
        broken_chains: broken.map((report) => report.chainKey).join(' '),
        chains: reports.length,
      })
    } else {
      await Alerts.resolve(AUDIT_VERIFY_CONDITION)
    }
  }
}
