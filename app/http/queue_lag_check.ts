import { BaseCheck, Result } from '@adonisjs/core/health'
import type { HealthCheckResult } from '@adonisjs/core/types/health'

/**
 * How long the oldest job waiting for a worker has waited. Only a warning
 * when it is late: this web node still serves, and pulling every web node
 * out of the load balancer would not make the workers run.
 */
export class QueueLagCheck extends BaseCheck {
  name = 'Queue lag check'

  constructor(
    private oldestWaitingSince: () => Promise<Date | null>,
    private warnAfterSeconds: number
  ) {
    super()
  }

  async run(): Promise<HealthCheckResult> {
    const since = await this.oldestWaitingSince()
    const lagSeconds = since ? Math.max(0, Math.round((Date.now() - since.getTime()) / 1000)) : 0
    const meta = { lagSeconds, warnAfterSeconds: this.warnAfterSeconds }
    if (lagSeconds > this.warnAfterSeconds) {
      return Result.warning(`the oldest waiting job waits for ${lagSeconds} s`).mergeMetaData(meta)
    }
    return Result.ok(`the oldest waiting job waits for ${lagSeconds} s`).mergeMetaData(meta)
  }
}
