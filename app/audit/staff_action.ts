import type { HttpContext } from '@adonisjs/core/http'
import AuditTrail from '#audit/audit_trail'
import type { AuditEventInput, AuditSource } from '#audit/audit_event_input'
import { httpAuditSource, httpDestination } from '#audit/http_audit_source'
import TenantRecordNotFound from '#audit/tenant_record_not_found'
import type { AuditAction } from '#audit/audit_vocabulary'

/** Who acts, in which role, from where and on which screen */
export type StaffAction = {
  actorUserId: number | null
  actorRole: string | null
  source: AuditSource
  destination?: string | null
}

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

/** What a staff event says beyond who did it from where */
export type StaffEvent = Omit<
  AuditEventInput,
  'municipalityId' | 'actorUserId' | 'actorRole' | 'source' | 'destination'
>

/** The audit event of an action `by` a member of staff in a municipality */
export function staffEvent(
  municipalityId: number,
  by: StaffAction,
  event: StaffEvent
): AuditEventInput {
  return {
    municipalityId,
    actorUserId: by.actorUserId,
    actorRole: by.actorRole,
    source: by.source,
    destination: by.destination ?? null,
    ...event,
  }
}

/** Records what the signed-in member of staff did in this tenant's screen */
export function recordStaffEvent(ctx: HttpContext, event: StaffEvent) {
  return AuditTrail.record(staffEvent(ctx.tenant.municipalityId, staffActionFrom(ctx), event))
}

/**
 * An id this municipality (resident, provider) does not have (it may be
 * another's): the answer is 404 and the exception handler puts the attempt
 * on the record as `action` (denied).
 */
export async function auditedNotFound(
  _ctx: HttpContext,
  action: AuditAction,
  details: Record<string, unknown>
): Promise<never> {
  throw new TenantRecordNotFound(action, details)
}
