import type { HttpContext } from '@adonisjs/core/http'
import type { AuditSource } from '#audit/audit_event_input'

/**
 * Where a web request came from, for the audit trail.
 */
export function httpAuditSource(ctx: HttpContext): AuditSource {
  return {
    channel: 'web',
    ip: ctx.request.ip(),
    userAgent: ctx.request.header('user-agent') ?? null,
  }
}

/**
 * The screen a web request was for: the route name, else the path.
 */
export function httpDestination(ctx: HttpContext) {
  return ctx.route?.name ?? ctx.request.url()
}
