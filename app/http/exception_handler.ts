import app from '@adonisjs/core/services/app'
import i18nManager from '@adonisjs/i18n/services/main'
import { errors as bouncerErrors } from '@adonisjs/bouncer'
import AuditTrail from '#audit/audit_trail'
import { httpAuditSource, httpDestination } from '#audit/http_audit_source'
import TenantRecordNotFound from '#audit/tenant_record_not_found'
import { isServiceUnreachable } from '#http/service_unreachable'
import { type HttpContext, ExceptionHandler } from '@adonisjs/core/http'
import type { HttpError, StatusPageRange, StatusPageRenderer } from '@adonisjs/core/types/http'

export default class HttpExceptionHandler extends ExceptionHandler {
  /**
   * Stack traces only on a developer's machine, never in production.
   */
  protected debug = app.inDev

  /**
   * Translated pages for 403 and 404 everywhere (the demo too); a server
   * error shows the stack trace on a developer's machine instead.
   */
  protected renderStatusPages = true

  protected statusPages: Record<StatusPageRange, StatusPageRenderer> = {
    '403': (error, ctx) => this.#renderStatus(ctx, error.status, 'forbidden'),
    '404': (error, ctx) => this.#renderStatus(ctx, error.status, 'not_found'),
    // Refused by the body parser, before the session and Inertia exist
    '413': (error, ctx) => this.#renderStatus(ctx, error.status, 'too_large'),
  }

  constructor() {
    super()
    if (!app.inDev) {
      this.statusPages['500..599'] = (error, ctx) =>
        this.#renderStatus(ctx, error.status, 'server_error')
    }
  }

  /**
   * The translated Inertia page when the request got that far; a plain
   * translated line when it failed before Inertia (or i18n) was set up,
   * e.g. the session store's database is down. Either way with the error's
   * own status: a load balancer must never read an error page as a 200.
   */
  #renderStatus(
    ctx: HttpContext,
    status: number,
    kind: 'forbidden' | 'not_found' | 'too_large' | 'server_error'
  ) {
    ctx.response.status(status)
    if (ctx.inertia && ctx.i18n) return ctx.inertia.render('http/error_status', { kind })
    const i18n = ctx.i18n ?? i18nManager.locale(i18nManager.defaultLocale)
    return ctx.response.send(
      `${i18n.t(`ui.errors.${kind}.title`)}\n${i18n.t(`ui.errors.${kind}.body`)}`
    )
  }

  async handle(error: unknown, ctx: HttpContext) {
    markUnreachableService(error)
    if (error instanceof TenantRecordNotFound) {
      // Another's id (or none) in a tenant screen: one event on this
      // tenant's trail, whichever route or screen refused it.
      await AuditTrail.record({
        municipalityId: ctx.tenant.municipalityId,
        action: error.action,
        outcome: 'denied',
        actorUserId: ctx.auth.user?.id ?? null,
        actorRole: ctx.tenant.primaryRole,
        source: httpAuditSource(ctx),
        destination: httpDestination(ctx),
        details: error.details,
      })
    }
    if (error instanceof bouncerErrors.E_AUTHORIZATION_FAILURE) {
      // Every refused action is on the record (fail closed: if this write
      // fails, the request fails, and it was refused anyway).
      await AuditTrail.record({
        municipalityId: ctx.tenant?.municipalityId ?? null,
        action: 'authz.denied',
        outcome: 'denied',
        actorUserId: ctx.auth?.user?.id ?? null,
        actorRole: ctx.tenant?.primaryRole ?? null,
        source: httpAuditSource(ctx),
        destination: httpDestination(ctx),
      })
      if (ctx.request.method() === 'GET' && ctx.inertia) {
        return ctx.response.send(await this.#renderStatus(ctx, 403, 'forbidden'))
      }
    }
    return super.handle(error, ctx)
  }

  /**
   * Bad filters in a screen's own form go back to it with the errors. A
   * typed or bookmarked URL has no page to go back to, and going back to
   * the same screen could repeat the bad filter (a paging link keeps it):
   * both open the screen without its query, the errors shown there.
   */
  async renderValidationErrorAsHTML(error: HttpError, ctx: HttpContext) {
    if (ctx.session && ctx.request.method() === 'GET' && !this.#cameFromAnotherScreen(ctx)) {
      ctx.session.flashValidationErrors(error, false)
      return ctx.response.redirect(ctx.request.url())
    }
    return super.renderValidationErrorAsHTML(error, ctx)
  }

  #cameFromAnotherScreen(ctx: HttpContext) {
    const referer = ctx.request.header('referer')
    if (!referer) return false
    try {
      return new URL(referer).pathname !== ctx.request.url()
    } catch {
      return false
    }
  }

  async report(error: unknown, ctx: HttpContext) {
    markUnreachableService(error)
    return super.report(error, ctx)
  }
}

/**
 * The database or Redis does not answer: 503 (try again later, or another
 * node), not 500 (this request is wrong).
 */
function markUnreachableService(error: unknown) {
  if (isServiceUnreachable(error)) (error as { status?: number }).status = 503
}
