import { AsyncLocalStorage } from 'node:async_hooks'
import type { HttpContext } from '@adonisjs/core/http'

const requests = new AsyncLocalStorage<HttpContext>()

/**
 * Which request a log line belongs to. The access-log middleware runs each
 * request inside this context, and the logger's mixin adds the request's
 * fields to every line written meanwhile, from `ctx.logger` or from the
 * app's logger (a job dispatch, a service): ids and the route's name only,
 * never a URL (a search query may hold a name).
 */
export default class RequestLogContext {
  static run<Result>(ctx: HttpContext, work: () => Result) {
    return requests.run(ctx, work)
  }

  static current() {
    return requests.getStore()
  }

  /** The request id, tenant, user id and route of a request, as they are known so far */
  static fields(ctx: HttpContext) {
    const fields: Record<string, string | number> = {}
    const requestId = ctx.request.id()
    if (requestId) fields.request_id = requestId
    // Set by the tenant middleware, on the routes under /m/:municipality
    const tenant = ctx.tenant as HttpContext['tenant'] | undefined
    if (tenant) {
      fields.tenant = tenant.municipality.slug
      fields.municipality_id = tenant.municipalityId
    }
    const userId = ctx.auth?.user?.id
    if (userId !== undefined) fields.user_id = userId
    const route = ctx.route?.name ?? ctx.route?.pattern
    if (route) fields.route = route
    return fields
  }

  /**
   * pino's mixin: the current request's fields, less the request id when
   * the logger is the request's own (`ctx.logger` binds it already).
   */
  static mixin(logger: { bindings(): Record<string, unknown> }) {
    const ctx = requests.getStore()
    if (!ctx) return {}
    const fields = this.fields(ctx)
    if (fields.request_id && logger.bindings().request_id) delete fields.request_id
    return fields
  }
}
