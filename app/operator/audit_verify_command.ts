import { BaseCommand, flags } from '@adonisjs/core/ace'
import type { CommandOptions } from '@adonisjs/core/types/ace'

/**
 * Recomputes every audit hash chain (or one municipality's) with the HMAC
 * key, and checks each against its last exported head (AuditAnchors). Exits
 * 0 when all are intact, 1 naming the first broken event or anchor otherwise.
 */
export default class AuditVerify extends BaseCommand {
  static commandName = 'audit:verify'
  static description = 'Verify the hash chains of the audit trail'

  static options: CommandOptions = { startApp: true }

  @flags.string({ description: 'Municipality code (全国地方公共団体コード), e.g. 131032' })
  declare tenant?: string

  async run() {
    const { default: Municipality } = await import('#tenancy/municipality')
    const { default: AuditVerifier } = await import('#audit/audit_verifier')
    const { chainKeyFor } = await import('#audit/audit_event_input')
    let chainKeys: string[] | undefined
    if (this.tenant) {
      const municipality = await Municipality.findBy('code', this.tenant)
      if (!municipality) {
        this.logger.error(`No municipality with code ${this.tenant}`)
        this.exitCode = 1
        return
      }
      chainKeys = [chainKeyFor(municipality.id)]
    }

    const reports = await AuditVerifier.verifyAll(chainKeys)
    const broken = reports.filter((report) => report.firstBreak)
    for (const report of reports) {
      if (report.firstBreak) {
        this.logger.error(`${report.chainKey}: ${report.firstBreak.message}`)
      } else {
        const anchored = report.anchor
          ? `, holds its head exported at ${report.anchor.exportedAt} (#${report.anchor.sequence})`
          : ''
        this.logger.success(`${report.chainKey}: ${report.events} events, chain intact${anchored}`)
      }
    }
    if (reports.length === 0) this.logger.info('No audit events yet')
    this.exitCode = broken.length > 0 ? 1 : 0
  }
}
