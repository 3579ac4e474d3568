import { BaseCheck, Result } from '@adonisjs/core/health'
import type { HealthCheckResult } from '@adonisjs/core/types/health'
import type { Redis } from 'ioredis'

/**
 * Ready only if Redis answers PING within two seconds.
 */
export class RedisPingCheck extends BaseCheck {
  name = 'Redis check'

  constructor(private redis: Redis) {
    super()
  }

  async run(): Promise<HealthCheckResult> {
    try {
      const reply = await Promise.race([
        this.redis.ping(),
        new Promise<never>((_, reject) =>
          setTimeout(() => reject(new Error('no reply within 2s')), 2000).unref()
        ),
      ])
      return reply === 'PONG'
        ? Result.ok('Redis answered PING')
        : Result.failed(`Redis answered ${reply}`)
    } catch (error) {
      return Result.failed(`Redis unreachable: ${(error as Error).message}`, error as Error)
    }
  }
}
