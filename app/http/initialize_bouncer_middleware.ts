import { Bouncer } from '@adonisjs/bouncer'
import type { HttpContext } from '@adonisjs/core/http'
import type { NextFn } from '@adonisjs/core/types/http'
import { registeredPolicies, type PolicyRegistry } from '#http/policy_registry'

/**
 * One Bouncer per request, for the signed-in user, with every module's
 * policies (start/policies.ts). There are no pre-registered abilities:
 * authorization is done by policies only.
 */
export default class InitializeBouncerMiddleware {
  async handle(ctx: HttpContext, next: NextFn) {
    ctx.bouncer = new Bouncer(
      () => ctx.auth.user || null,
      {},
      registeredPolicies()
    ).setContainerResolver(ctx.containerResolver)
    if ('view' in ctx) ctx.view.share(ctx.bouncer.edgeHelpers)
    return next()
  }
}

declare module '@adonisjs/core/http' {
  export interface HttpContext {
    bouncer: Bouncer<Exclude<HttpContext['auth']['user'], undefined>, {}, PolicyRegistry>
  }
}
