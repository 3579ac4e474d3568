import { test } from '@japa/runner'
import testUtils from '@adonisjs/core/services/test_utils'
import db from '@adonisjs/lucid/services/db'
import BrowserSession from '#tests/helpers/browser_session'
import { DEMO_PASSWORD } from '#database/demo_data'
import Municipality from '#tenancy/municipality'
import { chainKeyFor } from '#audit/audit_event_input'
import { lastAuditEventId } from '#tests/helpers/staff_console'
import { rules as residentVisits } from '#tests/helpers/tenant_routes/resident_visits'

/** A municipality's audit events after the event with id `afterId` */
function eventsAfter(municipalityId: number, afterId: number) {
  return db
    .from('audit_events')
    .where('chain_key', chainKeyFor(municipalityId))
    .where('id', '>', afterId)
    .orderBy('sequence')
}

/**
 * The decision written in the README (Tenancy, roles and the audit trail):
 * a resident reading their own record is not audited; an id that is not
 * theirs is.
 */
test.group('Resident reading their own record', (group) => {
  group.each.setup(() => testUtils.db().withGlobalTransaction())

  test('their own profile, home, history and visit write no audit event', async ({
    client,
    assert,
  }) => {
    const minato = await Municipality.findByOrFail('slug', 'minato')
    const visit = await residentVisits.victimIds.visit(minato)
    const browser = new BrowserSession(client)
    await browser.signIn('hanako@example.jp', DEMO_PASSWORD)
    const since = await lastAuditEventId()
    for (const url of [
      '/m/minato/my/profile',
      '/m/minato/my/history',
      `/m/minato/my/visits/${visit}`,
      '/',
    ]) {
      const response = await browser.get(url)
      assert.equal(response.status(), 200, url)
    }
    assert.deepEqual(await eventsAfter(minato.id, since), [])
  })

  test("another resident's visit is refused and audited", async ({ client, assert }) => {
    const minato = await Municipality.findByOrFail('slug', 'minato')
    const hanakosVisit = await residentVisits.victimIds.visit(minato)
    const browser = new BrowserSession(client)
    await browser.signIn('yui@example.jp', DEMO_PASSWORD)
    const since = await lastAuditEventId()
    const response = await browser.get(`/m/minato/my/visits/${hanakosVisit}`)
    response.assertStatus(404)
    const events = await eventsAfter(minato.id, since)
    assert.deepEqual(
      events.map((event) => [event.action, event.outcome, event.actor_role]),
      [['redemption.not_found', 'denied', 'resident']]
    )
  })
})
