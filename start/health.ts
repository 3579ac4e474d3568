import db from '@adonisjs/lucid/services/db'
import { DbCheck } from '@adonisjs/lucid/database'
import { HealthChecks } from '@adonisjs/core/health'
import queue from '#queue/queue'
import { RedisPingCheck } from '#http/redis_ping_check'

const redis = queue.redisConnection()

export const healthChecks = new HealthChecks().register([
  new DbCheck(db.connection()),
  ...(redis ? [new RedisPingCheck(redis)] : []),
])
