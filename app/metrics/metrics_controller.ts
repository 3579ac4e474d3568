import { createHash, timingSafeEqual } from 'node:crypto'
import type { HttpContext } from '@adonisjs/core/http'
import env from '#start/env'
import { metricsRegistry } from '#metrics/metrics_registry'
// Registers the gauges read at scrape time
import '#metrics/scrape_time_gauges'

const digest = (text: string) => createHash('sha256').update(text).digest()

export default class MetricsController {
  /**
   * Prometheus's scrape, with `Authorization: Bearer <METRICS_TOKEN>`.
   * Without METRICS_TOKEN there are no metrics to see (404).
   */
  async show({ request, response }: HttpContext) {
    const token = env.get('METRICS_TOKEN')
    if (!token) return response.notFound('')
    const given = /^Bearer (.+)$/.exec(request.header('authorization') ?? '')?.[1] ?? ''
    if (!timingSafeEqual(digest(given), digest(token))) {
      response.header('WWW-Authenticate', 'Bearer')
      return response.unauthorized('')
    }
    response.header('Content-Type', metricsRegistry.contentType)
    return response.send(await metricsRegistry.metrics())
  }
}
