import type { HttpContext } from '@adonisjs/core/http'
import type { StaffAction } from '#ledger/coupon_definitions'
import { httpAuditSource, httpDestination } from '#audit/http_audit_source'

/**
 * Who is acting, in which role, from where: what the ledger and the audit
 * trail record for an action taken in a tenant screen.
 */
export function staffActionFrom(ctx: HttpContext): StaffAction {
  return {
    actorUserId: ctx.auth.getUserOrFail().id,
    actorRole: ctx.tenant.primaryRole,
    source: httpAuditSource(ctx),
    destination: httpDestination(ctx),
  }
}
