import type { HttpContext } from '@adonisjs/core/http'
import type { NextFn } from '@adonisjs/core/types/http'
import { httpRequestDuration } from '#metrics/metrics_registry'

/**
 * Times every request until its response is sent, labelled by the route's
 * name (its pattern when unnamed; "none" for static files and unknown
 * URLs, so that no URL becomes a label) and the status actually sent.
 */
export default class HttpMetricsMiddleware {
  async handle(ctx: HttpContext, next: NextFn) {
    const stopTimer = httpRequestDuration.startTimer()
    ctx.response.response.once('finish', () => {
      stopTimer({
        route: ctx.route?.name ?? ctx.route?.pattern ?? 'none',
        method: ctx.request.method(),
        status: String(ctx.response.response.statusCode),
      })
    })
    return next()
  }
}
