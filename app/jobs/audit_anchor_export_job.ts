import { Job } from '#queue/job'
import AuditAnchors from '#audit/audit_anchors'

/**
 * Exports the audit chains' heads to the append-only anchor file (see
 * AuditAnchors). Runs hourly from the queue schedule (config/queue.ts).
 */
export default class AuditAnchorExportJob extends Job {
  static jobName = 'audit_anchor_export'

  async handle() {
    await AuditAnchors.export()
  }
}
