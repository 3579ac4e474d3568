import app from '@adonisjs/core/services/app'
import type { HttpContext } from '@adonisjs/core/http'
import type { NextFn } from '@adonisjs/core/types/http'

/**
 * While the process shuts down (SIGTERM), each response closes its
 * connection. The HTTP server stops listening and waits for the requests in
 * hand, but a keep-alive client that keeps asking (a progress bar's poll,
 * a load balancer's probe) would otherwise hold it open for ever.
 */
export default class DrainingMiddleware {
  async handle(ctx: HttpContext, next: NextFn) {
    await next()
    if (app.isTerminating) ctx.response.header('Connection', 'close')
  }
}
