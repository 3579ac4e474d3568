import type { HttpContext } from '@adonisjs/core/http'
import { healthChecks } from '#start/health'

export default class HealthController {
  /**
   * Live: the process answers. No dependencies are touched.
   */
  async live({ response }: HttpContext) {
    return response.ok({ status: 'ok' })
  }

  /**
   * Ready: every check of start/health.ts passes (a warning still serves).
   * The public answer names each check and its status only; what went
   * wrong (host names, driver messages) goes to the log.
   */
  async ready({ response, logger }: HttpContext) {
    const report = await healthChecks.run()
    const unwell = report.checks.filter((check) => check.status !== 'ok')
    if (unwell.length > 0) {
      logger.warn(
        {
          // `check`, not `name`: the log redacts every `name` (a person's)
          checks: unwell.map(({ name, status, message, meta }) => ({
            check: name,
            status,
            message,
            meta,
          })),
        },
        'health check not ok'
      )
    }
    const body = {
      status: report.isHealthy ? 'ok' : 'error',
      checks: report.checks.map((check) => ({ name: check.name, status: check.status })),
    }
    return report.isHealthy ? response.ok(body) : response.serviceUnavailable(body)
  }
}
