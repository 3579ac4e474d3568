import logger from '@adonisjs/core/services/logger'
import type { HttpContext } from '@adonisjs/core/http'
import env from '#start/env'
import Alerts from '#alerts/alerts'
import WorkerWatch from '#alerts/worker_watch'
import ServerErrorRate from '#alerts/server_error_rate'
import type {
  BackupFailed,
  QueueJobFailed,
  QueueJobSucceeded,
  QueueWorkerHeartbeat,
} from '#alerts/alert_events'

export const BACKUP_FAILED_CONDITION = 'backup_failed'

const serverErrors = new ServerErrorRate(env.get('ALERT_5XX_PER_MINUTE') ?? 20)

/** An alert that cannot be written is logged: it never fails what reported it */
async function guarded(what: string, raise: () => Promise<unknown>) {
  try {
    await raise()
  } catch (error) {
    logger.error({ err: error }, `alert not recorded: ${what}`)
  }
}

/**
 * What the queue, the backups and the HTTP server report, turned into
 * alerts (start/events.ts).
 */
export default class AlertListener {
  async jobFailed(event: QueueJobFailed) {
    if (!event.final) return
    // The error's text is left out: a job's message may quote what it worked on
    await guarded(`job_failed:${event.jobName}`, () =>
      Alerts.raise(`job_failed:${event.jobName}`, {
        job: event.jobName,
        job_id: event.jobId,
        attempts: event.attemptsMade,
      })
    )
  }

  /** The next run that works ends the job's alert, with a recovery notice */
  async jobSucceeded(event: QueueJobSucceeded) {
    const condition = `job_failed:${event.jobName}`
    await guarded(condition, () => Alerts.resolve(condition))
  }

  async workerHeartbeat(event: QueueWorkerHeartbeat) {
    await guarded('worker_heartbeat', () => WorkerWatch.beat(new Date(event.at)))
  }

  async backupFailed(event: BackupFailed) {
    await guarded(BACKUP_FAILED_CONDITION, () =>
      Alerts.raise(BACKUP_FAILED_CONDITION, { error: event.error.slice(0, 300) })
    )
  }

  async backupSucceeded() {
    await guarded(BACKUP_FAILED_CONDITION, () => Alerts.resolve(BACKUP_FAILED_CONDITION))
  }

  async requestCompleted(event: { ctx: HttpContext }) {
    const status = event.ctx.response.response.statusCode
    await guarded('http_5xx_rate', () => serverErrors.record(status))
  }
}
