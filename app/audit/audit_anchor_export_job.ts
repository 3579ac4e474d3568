import i18nManager from '@adonisjs/i18n/services/main'
import mail from '@adonisjs/mail/services/main'
import { Job } from '#queue/job'
import AuditAnchors, { type AuditAnchor } from '#audit/audit_anchors'
import AccountMail from '#mail/account_mail'
import env from '#start/env'

/** One exported head per line: chain (municipality code) #sequence hash */
function headLine(anchor: AuditAnchor) {
  const tenant = anchor.tenant ? ` (${anchor.tenant})` : ''
  return `${anchor.chainKey}${tenant} #${anchor.sequence} ${anchor.hash}`
}

/**
 * Exports the audit chains' heads to the append-only anchor file (see
 * AuditAnchors) and, with AUDIT_ANCHOR_MAIL_TO set, mails what it wrote to
 * that address: a second copy out of reach of whoever holds the server.
 * Runs hourly from the queue schedule (config/queue.ts).
 */
export default class AuditAnchorExportJob extends Job {
  static jobName = 'audit_anchor_export'

  async handle() {
    const anchors = await AuditAnchors.export()
    const to = env.get('AUDIT_ANCHOR_MAIL_TO')
    if (!to || anchors.length === 0) return
    await mail.sendLater(
      new AccountMail({
        to,
        locale: i18nManager.defaultLocale,
        kind: 'audit_anchors',
        values: { exportedAt: anchors[0].exportedAt, heads: anchors.map(headLine).join('\n') },
      })
    )
  }
}
