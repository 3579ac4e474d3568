import type { HttpContext } from '@adonisjs/core/http'
import { auditedNotFound } from '#audit/staff_action'

/**
 * One of the signed-in provider's facilities (ctx.provider, never from the
 * URL), or 404 on the record (provider.facility_not_found): the history's
 * filter and the export form name a facility by id.
 */
export async function ownFacility(ctx: HttpContext, facilityId: number) {
  const facility = ctx.provider.facilities.find((candidate) => candidate.id === facilityId)
  if (!facility) {
    return auditedNotFound(ctx, 'provider.facility_not_found', { facility_id: facilityId })
  }
  return facility
}
