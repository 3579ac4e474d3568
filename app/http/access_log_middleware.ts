import type { HttpContext } from '@adonisjs/core/http'
import type { NextFn } from '@adonisjs/core/types/http'
import RequestLogContext from '#http/request_log_context'

/**
 * One line per request when its response is done: method, route name,
 * status and duration, with the request id, tenant and user id (the
 * response carries the id as X-Request-Id, for a user's report). Never the
 * URL, a body or a header: a query string may hold a resident's name.
 */
export default class AccessLogMiddleware {
  handle(ctx: HttpContext, next: NextFn) {
    const started = process.hrtime.bigint()
    const response = ctx.response.response
    response.once('close', () => {
      const durationMs = Number(process.hrtime.bigint() - started) / 1e6
      const fields = RequestLogContext.fields(ctx)
      // ctx.logger binds it already
      delete fields.request_id
      // A load balancer probes every few seconds: its lines only when debugging
      const level = ctx.route?.name?.startsWith('health.') ? 'debug' : 'info'
      ctx.logger.log(
        level,
        {
          ...fields,
          method: ctx.request.method(),
          status: response.statusCode,
          duration_ms: Math.round(durationMs * 10) / 10,
          ...(response.writableFinished ? {} : { aborted: true }),
        },
        'request'
      )
    })
    return RequestLogContext.run(ctx, next)
  }
}
