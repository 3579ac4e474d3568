import type { HttpContext } from '@adonisjs/core/http'
import { errors as httpErrors } from '@adonisjs/core/http'
import OidcProviders, { issuerPath } from '#oidc/oidc_providers'

/**
 * Hands `/m/<slug>/oidc/*` to that municipality's oidc-provider (discovery,
 * JWKS, authorization, token, userinfo, revocation, logout). The provider
 * sees the path below its mount and builds its URLs with the mount's
 * prefix (req.originalUrl). The route is session-free (no Tomoni session,
 * no CSRF: the provider protects its own forms); a body the app's
 * bodyparser already read reaches the provider as the raw text it was.
 */
export default class OidcEndpointController {
  async handle(ctx: HttpContext) {
    const slug = String(ctx.params.municipality)
    const found = await OidcProviders.forSlug(slug)
    if (!found) {
      throw new httpErrors.E_ROUTE_NOT_FOUND([ctx.request.method(), ctx.request.url()])
    }
    const req = ctx.request.request as typeof ctx.request.request & {
      originalUrl?: string
      body?: unknown
    }
    const res = ctx.response.response
    const fullUrl = req.url ?? '/'
    const prefix = issuerPath(slug)
    const raw = ctx.request.raw()
    if (raw !== null && req.body === undefined) req.body = raw
    // The provider trusts X-Forwarded-*: it gets only what the app trusts (TRUSTED_PROXIES)
    req.headers['x-forwarded-for'] = ctx.request.ip()
    req.headers['x-forwarded-proto'] = ctx.request.protocol()
    const host = ctx.request.host()
    if (host) req.headers['x-forwarded-host'] = host
    else delete req.headers['x-forwarded-host']
    req.originalUrl = fullUrl
    req.url = fullUrl.slice(prefix.length) || '/'
    try {
      await found.provider.callback()(req, res)
    } finally {
      req.url = fullUrl
    }
  }
}
