import app from '@adonisjs/core/services/app'
import db from '@adonisjs/lucid/services/db'
import { DbCheck } from '@adonisjs/lucid/database'
import { HealthChecks } from '@adonisjs/core/health'
import queue from '#queue/queue'
import { RedisPingCheck } from '#http/redis_ping_check'
import { QueueLagCheck } from '#http/queue_lag_check'
import { StorageSpaceCheck, spaceOnDisk } from '#http/storage_space_check'
import { BackupAgeCheck, type LastSuccessfulBackupAt } from '#http/backup_age_check'
import { measureBackupAge } from '#metrics/scrape_time_gauges'
import { lastSuccessfulBackupAt as newestBackupAt } from '#backup/backup_status'

const MB = 1024 ** 2
const redis = queue.redisConnection()

/**
 * The oldest job waiting in BullMQ for a worker (delayed and scheduled
 * jobs are not waiting yet). In-process jobs have no queue to lag.
 */
async function oldestWaitingJobAt() {
  const [oldest] = await queue.bullQueue().getJobs(['wait'], 0, 0, true)
  return oldest ? new Date(oldest.timestamp) : null
}

/**
 * What /health/ready runs. A failed check makes the node unready (503); a
 * warning is reported and logged, and the node still serves.
 */
export const healthChecks = new HealthChecks().register([
  new DbCheck(db.connection()),
  ...(redis ? [new RedisPingCheck(redis), new QueueLagCheck(oldestWaitingJobAt, 120)] : []),
  new StorageSpaceCheck(() => spaceOnDisk(app.makePath('storage')), 2048 * MB, 256 * MB),
])

/**
 * The age of the last successful backup: warned about by /health/ready
 * after 26 hours (a nightly backup, and some slack) and exposed by
 * /metrics.
 */
export function watchBackupAge(lastSuccessfulBackupAt: LastSuccessfulBackupAt) {
  healthChecks.append([new BackupAgeCheck(lastSuccessfulBackupAt, 26)])
  measureBackupAge(lastSuccessfulBackupAt)
}

watchBackupAge(newestBackupAt)
