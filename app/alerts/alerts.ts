import { DateTime } from 'luxon'
import db from '@adonisjs/lucid/services/db'
import Alert, { type AlertDetails } from '#alerts/alert'
import AlertNotices from '#alerts/alert_notices'
import { isUniqueViolation } from '#shared/unique_violation'
import { affectedRows } from '#shared/affected_rows'

/**
 * Serious conditions, once each: the first raise opens the alert and mails
 * the platform operators (and the municipality's administrators for a
 * municipality's alert); raises while it is open only count; resolving it
 * mails a recovery notice. A unique index keeps one open row per condition
 * even when several processes raise it at once.
 */
export default class Alerts {
  /** Opens the alert, or counts one more occurrence; true when it opened */
  static async raise(
    condition: string,
    details: AlertDetails = {},
    municipalityId?: number | null
  ) {
    const scope = municipalityId ?? null
    if (await this.#bump(condition, scope, details)) return false
    const now = DateTime.now()
    let alert: Alert
    try {
      // A transaction (a savepoint inside another): a unique violation on
      // PostgreSQL spoils only this statement
      alert = await db.transaction((trx) =>
        Alert.create(
          {
            municipalityId: scope,
            condition,
            status: 'open',
            firstSeenAt: now,
            lastSeenAt: now,
            occurrences: 1,
            details,
          },
          { client: trx }
        )
      )
    } catch (error) {
      if (!isUniqueViolation(error)) throw error
      await this.#bump(condition, scope, details)
      return false
    }
    await AlertNotices.opened(alert)
    return true
  }

  /** Closes the open alert of the condition; true when there was one */
  static async resolve(condition: string, municipalityId?: number | null) {
    const open = await this.#open(condition, municipalityId ?? null).first()
    if (!open) return false
    const now = DateTime.now()
    const changed = await Alert.query()
      .where('id', open.id)
      .where('status', 'open')
      .update({ status: 'resolved', resolved_at: now.toSQL() })
    if (affectedRows(changed) === 0) return false
    open.status = 'resolved'
    open.resolvedAt = now
    await AlertNotices.resolved(open)
    return true
  }

  /** Open alerts first (newest first), then the latest resolved ones */
  static async list(limit = 100) {
    const open = await Alert.query()
      .where('status', 'open')
      .orderBy('last_seen_at', 'desc')
      .orderBy('id', 'desc')
    const past = await Alert.query()
      .where('status', 'resolved')
      .orderBy('resolved_at', 'desc')
      .orderBy('id', 'desc')
      .limit(limit)
    return { open, past }
  }

  static #open(condition: string, municipalityId: number | null) {
    const query = Alert.query().where('condition', condition).where('status', 'open')
    return municipalityId === null
      ? query.whereNull('municipality_id')
      : query.where('municipality_id', municipalityId)
  }

  static async #bump(condition: string, municipalityId: number | null, details: AlertDetails) {
    const changed = await this.#open(condition, municipalityId).update({
      occurrences: db.raw('occurrences + 1'),
      last_seen_at: DateTime.now().toSQL(),
      details: JSON.stringify(details),
    })
    return affectedRows(changed) > 0
  }
}
