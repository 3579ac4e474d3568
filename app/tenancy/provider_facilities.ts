import type { HttpContext } from '@adonisjs/core/http'
import { auditedNotFound } from '#audit/staff_action'
import type { AuditAction } from '#audit/audit_vocabulary'

/**
 * The facilities of ctx.provider (the provider middleware) a request may
 * name: a facility id from the request must be one of the provider's.
 */

/**
 * One of the provider's facilities, or 404, audited as `action` (the
 * monthly history names its own: provider.facility_not_found)
 */
export async function ownFacility(
  ctx: HttpContext,
  id: unknown,
  action: AuditAction = 'facility.not_found'
) {
  const facility = ctx.provider.facilities.find((candidate) => String(candidate.id) === String(id))
  if (!facility) {
    return auditedNotFound(ctx, action, {
      facility_id: /^\d{1,12}$/.test(String(id)) ? Number(id) : null,
    })
  }
  return facility
}

/**
 * The facility the visits start at: `?facility=<id>` (one of the
 * provider's, remembered per municipality), the only one, or the one
 * remembered; null while the member of staff has yet to choose.
 */
export async function chosenFacility(ctx: HttpContext) {
  const { request, session, tenant, provider } = ctx
  const key = `provider_visits.facility.${tenant.municipalityId}`
  const asked = request.qs().facility
  if (asked !== undefined) {
    const facility = await ownFacility(ctx, asked)
    session.put(key, facility.id)
    return facility
  }
  if (provider.facilities.length === 1) return provider.facilities[0]
  const remembered = Number(session.get(key))
  return provider.facilities.find((candidate) => candidate.id === remembered) ?? null
}
