import type { HttpContext } from '@adonisjs/core/http'
import type { NextFn } from '@adonisjs/core/types/http'
import { errors as lucidErrors } from '@adonisjs/lucid'
import Municipality from '#tenancy/municipality'
import Membership from '#identity/membership'
import TenantContext from '#tenancy/tenant_context'
import AuditTrail from '#audit/audit_trail'
import { httpAuditSource, httpDestination } from '#audit/http_audit_source'
import { assertTenantIds } from '#tenancy/tenant_ids'

/**
 * Resolves the municipality named in the URL (/m/:municipality/...) and the
 * signed-in person's memberships there. Someone with no membership there
 * gets the same 404 as for a municipality that does not exist, and the
 * attempt is written to that municipality's audit trail. Every id in the
 * URL must then be a row of this municipality (assertTenantIds): another's
 * id answers 404 too, audited by the exception handler, before any screen
 * or validator runs.
 */
export default class TenantMiddleware {
  async handle(ctx: HttpContext, next: NextFn) {
    const user = ctx.auth.getUserOrFail()
    const municipality = await Municipality.findBy('slug', String(ctx.params.municipality))
    const memberships = municipality
      ? await Membership.query()
          .where('user_id', user.id)
          .where('municipality_id', municipality.id)
          // A provider administrator may have disabled a member of staff
          .whereNull('disabled_at')
      : []

    if (!municipality || memberships.length === 0) {
      await AuditTrail.record({
        municipalityId: municipality?.id ?? null,
        action: 'tenancy.access_denied',
        outcome: 'denied',
        actorUserId: user.id,
        source: httpAuditSource(ctx),
        destination: httpDestination(ctx),
        details: { municipality: String(ctx.params.municipality) },
      })
      throw new lucidErrors.E_ROW_NOT_FOUND()
    }

    ctx.tenant = new TenantContext(municipality, memberships)
    ctx.containerResolver.bindValue(TenantContext, ctx.tenant)
    await assertTenantIds(municipality.id, ctx.params)
    return next()
  }
}

declare module '@adonisjs/core/http' {
  export interface HttpContext {
    tenant: TenantContext
  }
}
