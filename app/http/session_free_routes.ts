import type { HttpContext } from '@adonisjs/core/http'

/**
 * Routes that need no session: the load balancer's health checks,
 * Prometheus's scrape and the front end's message catalogues (the same for everyone). They get
 * a session that lives in memory for the request (so the router middleware
 * work unchanged), never read or written in the store, and no session or
 * CSRF cookie: a probe without cookies leaves no row behind, and one with
 * cookies neither reads nor renews its session.
 */
const SESSION_FREE_ROUTES = new Set([
  'health.live',
  'health.ready',
  'metrics.show',
  'client_messages.show',
  // Each municipality's OpenID Provider: its own cookies, its own forms (app/oidc)
  'oidc.endpoint',
])

export function needsNoSession(ctx: HttpContext) {
  const name = ctx.route?.name
  return name !== undefined && SESSION_FREE_ROUTES.has(name)
}
