import type { ApiClient } from '@japa/api-client'
import db from '@adonisjs/lucid/services/db'
import BrowserSession from '#tests/helpers/browser_session'
import { minato } from '#tests/helpers/programs'
import { chainKeyFor } from '#audit/audit_event_input'
import { DEMO_PASSWORD } from '#database/demo_data'

/*
| What the staff console's functional tests share: a signed-in member of
| staff (second factor included) and the audit events a test looks for.
*/

/** A browser signed in as a demo account (second factor included) */
export async function signedIn(client: ApiClient, email: string) {
  const browser = new BrowserSession(client)
  await browser.signIn(email, DEMO_PASSWORD)
  return browser
}

/** The newest audit event of a municipality (Minato unless named), of one action if given */
export async function latestEvent(options: { municipalityId?: number; action?: string } = {}) {
  let municipalityId = options.municipalityId
  if (municipalityId === undefined) {
    const city = await minato()
    municipalityId = city.id
  }
  const query = db.from('audit_events').where('chain_key', chainKeyFor(municipalityId))
  if (options.action) query.where('action', options.action)
  return query.orderBy('sequence', 'desc').first()
}

/**
 * A municipality's audit events of one action, newest first; with
 * `afterId`, only those after that event (earlier tests' events stay:
 * the trail is append-only).
 */
/**
 * The newest audit event's id: a test counts the events after it (earlier
 * tests' events stay, the trail is append-only).
 */
export async function lastAuditEventId() {
  const last = await db.from('audit_events').max('id as id').first()
  return Number(last?.id ?? 0)
}

export async function events(municipalityId: number, action: string, afterId = 0) {
  return db
    .from('audit_events')
    .where({ chain_key: chainKeyFor(municipalityId), action })
    .where('id', '>', afterId)
    .orderBy('sequence', 'desc')
}

/** An audit event's details (JSON text on SQLite, an object on PostgreSQL) */
export function detailsOf(event: { details: unknown }) {
  return typeof event.details === 'string' ? JSON.parse(event.details) : event.details
}
