import { DateTime } from 'luxon'
import db from '@adonisjs/lucid/services/db'
import Alerts from '#alerts/alerts'

export const WORKER_SILENT_CONDITION = 'worker_silent'
export const WORKER_SILENT_AFTER_MS = 5 * 60_000

const SIGNAL = 'worker_heartbeat'

/**
 * Whether a queue worker is alive: workers beat every minute
 * (queue:worker_heartbeat), the last beat is kept in alert_signals, and a
 * check raises worker_silent when none came for 5 minutes, and resolves it
 * once one comes again.
 */
export default class WorkerWatch {
  static async beat(at: Date) {
    await db
      .table('alert_signals')
      .insert({ name: SIGNAL, seen_at: DateTime.fromJSDate(at).toSQL() })
      .onConflict('name')
      .merge()
    await Alerts.resolve(WORKER_SILENT_CONDITION)
  }

  static async lastSeen(): Promise<Date | null> {
    const row = await db.from('alert_signals').where('name', SIGNAL).first()
    if (!row) return null
    return row.seen_at instanceof Date ? row.seen_at : new Date(row.seen_at)
  }

  /**
   * Raises worker_silent when the last beat is older than 5 minutes. Before
   * any beat, the check counts from `since` (when this process started
   * watching), so a new deployment is not an alert.
   */
  static async check(now: Date, since: Date) {
    const seen = (await this.lastSeen()) ?? since
    const silentMs = now.getTime() - seen.getTime()
    if (silentMs < WORKER_SILENT_AFTER_MS) return false
    await Alerts.raise(WORKER_SILENT_CONDITION, {
      silent_minutes: Math.floor(silentMs / 60_000),
    })
    return true
  }
}
