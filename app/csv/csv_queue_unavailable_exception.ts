import { Exception } from '@adonisjs/core/exceptions'
import type { HttpContext } from '@adonisjs/core/http'
import logger from '@adonisjs/core/services/logger'

/**
 * A CSV job could not be handed to the queue (Redis down): the request
 * answers 503 at once with a translated page saying nothing started and
 * to try again later; the job is already marked failed (see
 * CsvJobs.dispatch). Handles and reports itself.
 */
export default class CsvQueueUnavailableException extends Exception {
  static status = 503
  static code = 'E_CSV_QUEUE_UNAVAILABLE'

  constructor(
    readonly csvJobId: number,
    options?: { cause?: unknown }
  ) {
    super(`CSV job ${csvJobId} not queued: the queue is unavailable`, {
      ...options,
      status: 503,
    })
  }

  async handle(_: this, ctx: HttpContext) {
    ctx.response.status(503).header('retry-after', '60')
    const title = ctx.i18n.t('staff_csv.queue_unavailable.title')
    const message = ctx.i18n.t('staff_csv.queue_unavailable.body')
    if (!ctx.inertia) return ctx.response.send(`${title}\n${message}`)
    // An exception handler's return value is not sent: send the page
    const page = await ctx.inertia.render('csv/queue_unavailable', {
      title,
      message,
      back: backOf(ctx),
      backLabel: ctx.i18n.t('staff_csv.queue_unavailable.back'),
    })
    return ctx.response.send(page)
  }

  async report() {
    // The Redis outage itself is logged once by the queue; this is one request of it
    logger.warn({ csvJob: this.csvJobId }, 'CSV job refused: queue unavailable')
  }
}

/** The page the form was on (same site only), to go back to */
function backOf(ctx: HttpContext) {
  const referer = ctx.request.header('referer')
  if (!referer) return '/'
  try {
    const url = new URL(referer, ctx.request.completeUrl())
    return url.host === ctx.request.host() ? `${url.pathname}${url.search}` : '/'
  } catch {
    return '/'
  }
}
