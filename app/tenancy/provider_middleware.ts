import type { HttpContext } from '@adonisjs/core/http'
import type { NextFn } from '@adonisjs/core/types/http'
import Provider from '#tenancy/provider'
import ConsolePolicy from '#tenancy/console_policy'
import { PROVIDER_STAFF_ROLES } from '#identity/membership'

/**
 * The provider console (/m/<slug>/provider/...) acts for the provider the
 * signed-in member of staff works for in this municipality, never for a
 * provider id from the URL or a form. Anyone else is refused like any
 * other authorization failure (403, audited).
 */
export default class ProviderMiddleware {
  async handle(ctx: HttpContext, next: NextFn) {
    await ctx.bouncer.with(ConsolePolicy).authorize('provider', ctx.tenant)
    const membership = ctx.tenant.memberships
      .filter((candidate) => PROVIDER_STAFF_ROLES.some((role) => role === candidate.role))
      .sort((a, b) => a.id - b.id)[0]
    const provider = await Provider.query()
      .where('id', membership.providerId!)
      .preload('facilities', (query) => query.orderBy('id'))
      .firstOrFail()
    ctx.provider = provider
    return next()
  }
}

declare module '@adonisjs/core/http' {
  export interface HttpContext {
    provider: Provider
  }
}
