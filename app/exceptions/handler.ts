import app from '@adonisjs/core/services/app'
import { type HttpContext, ExceptionHandler } from '@adonisjs/core/http'
import type { StatusPageRange, StatusPageRenderer } from '@adonisjs/core/types/http'

export default class HttpExceptionHandler extends ExceptionHandler {
  /**
   * Stack traces only on a developer's machine, never in production.
   */
  protected debug = app.inDev

  /**
   * Translated status pages everywhere but development (tests see what
   * users see).
   */
  protected renderStatusPages = !app.inDev

  protected statusPages: Record<StatusPageRange, StatusPageRenderer> = {
    '403': (_, { inertia }) => inertia.render('errors/status', { kind: 'forbidden' }),
    '404': (_, { inertia }) => inertia.render('errors/status', { kind: 'not_found' }),
    '500..599': (_, { inertia }) => inertia.render('errors/status', { kind: 'server_error' }),
  }

  async handle(error: unknown, ctx: HttpContext) {
    return super.handle(error, ctx)
  }

  async report(error: unknown, ctx: HttpContext) {
    return super.report(error, ctx)
  }
}
