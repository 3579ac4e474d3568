import type { HttpContext } from '@adonisjs/core/http'
import type { NextFn } from '@adonisjs/core/types/http'
import Resident from '#residents/resident'
import ResidentAppPolicy from '#residents/resident_app_policy'

/**
 * The resident pages (/m/<slug>/my/...) act on the signed-in account's own
 * resident record in this municipality, never on an id from the URL or a
 * form. Anyone else (staff, providers) is refused like any other
 * authorization failure (403, audited).
 */
export default class ResidentMiddleware {
  async handle(ctx: HttpContext, next: NextFn) {
    const ownRecord = await Resident.query()
      .where('municipality_id', ctx.tenant.municipalityId)
      .where('user_id', ctx.auth.getUserOrFail().id)
      .first()
    await ctx.bouncer.with(ResidentAppPolicy).authorize('act', ctx.tenant, ownRecord)
    ctx.resident = ownRecord!
    return next()
  }
}

declare module '@adonisjs/core/http' {
  export interface HttpContext {
    resident: Resident
  }
}
