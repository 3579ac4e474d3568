import app from '@adonisjs/core/services/app'
import type { HttpContext } from '@adonisjs/core/http'
import type { NextFn } from '@adonisjs/core/types/http'
import ShieldMiddleware from '@adonisjs/shield/shield_middleware'
import type { ShieldConfig } from '@adonisjs/shield/types'
import { needsNoSession } from '#http/session_free_routes'

/*
| Both are built once: a shield middleware keeps no per-request state, and
| building one parses the CSP directives.
*/
let configured: Promise<ShieldMiddleware> | undefined
let withoutCsrf: Promise<ShieldMiddleware> | undefined
function shieldAsConfigured() {
  configured ??= app.container.make(ShieldMiddleware)
  return configured
}
function shieldWithoutCsrf() {
  withoutCsrf ??= app.container.make('encryption').then((encryption) => {
    const config = app.config.get<ShieldConfig>('shield')
    return new ShieldMiddleware(
      { ...config, csrf: { ...config.csrf, enabled: false } },
      encryption.use()
    )
  })
  return withoutCsrf
}

/**
 * Shield as configured (config/shield.ts), except on the session-free
 * routes (app/http/session_free_routes.ts): they take no form and keep no
 * session, so they get the same headers but no CSRF secret and no
 * XSRF-TOKEN cookie.
 */
export default class AppShieldMiddleware {
  async handle(ctx: HttpContext, next: NextFn) {
    const shield = await (needsNoSession(ctx) ? shieldWithoutCsrf() : shieldAsConfigured())
    return shield.handle(ctx, next)
  }
}
