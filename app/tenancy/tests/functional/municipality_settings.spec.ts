import { test } from '@japa/runner'
import testUtils from '@adonisjs/core/services/test_utils'
import Municipality from '#tenancy/municipality'
import { createSecondTenant } from '#tests/helpers/tenants'
import { latestEvent, signedIn } from '#tests/helpers/staff_console'

/*
| A municipality's settings: how its console, exports and printouts write
| dates, chosen by its administrators only, every change audited.
*/
test.group('Municipality settings', (group) => {
  group.each.setup(() => testUtils.db().withGlobalTransaction())

  test('an administrator switches dates to 和暦; the change is audited and shared', async ({
    client,
    assert,
  }) => {
    const admin = await signedIn(client, 'admin@minato.example')
    const page = await admin.get('/m/minato/settings')
    page.assertStatus(200)
    page.assertInertiaComponent('tenancy/settings')
    assert.deepEqual(page.body().props.settings, { dateStyle: 'western' })
    assert.equal(page.body().props.examples.japanese_era, '令和8年4月1日')
    assert.isTrue(page.body().props.tenant.can.administerMunicipality)

    const saved = await admin.put('/m/minato/settings', { date_style: 'japanese_era' })
    assert.oneOf(saved.status(), [302, 303])
    const city = await Municipality.findByOrFail('slug', 'minato')
    assert.equal(city.dateStyle, 'japanese_era')
    const event = await latestEvent()
    assert.equal(event.action, 'municipality.settings_changed')
    assert.equal(event.purpose, 'settings_administration')
    const details = typeof event.details === 'string' ? JSON.parse(event.details) : event.details
    assert.deepEqual(details, { date_style: { before: 'western', after: 'japanese_era' } })
    const after = await admin.get('/m/minato/residents')
    assert.equal(after.body().props.tenant.dateStyle, 'japanese_era')
  })

  test('a value that is not a style is refused with the reason, nothing changes', async ({
    client,
    assert,
  }) => {
    const admin = await signedIn(client, 'admin@minato.example')
    await admin.get('/m/minato/settings')
    const refused = await admin.put('/m/minato/settings', { date_style: 'imperial' })
    assert.oneOf(refused.status(), [302, 303])
    const page = await admin.get('/m/minato/settings')
    assert.match(page.body().props.errors.date_style, /日付の書き方/)
    const city = await Municipality.findByOrFail('slug', 'minato')
    assert.equal(city.dateStyle, 'western')
  })

  test('staff, providers and residents may not; another municipality is 404', async ({
    client,
    assert,
  }) => {
    for (const email of ['staff@minato.example', 'owner@aozora.example', 'hanako@example.jp']) {
      const browser = await signedIn(client, email)
      await browser.get('/')
      const page = await browser.get('/m/minato/settings')
      assert.equal(page.status(), 403, email)
      // A refused form goes back with the translated 403 message, changing nothing
      const put = await browser.put('/m/minato/settings', { date_style: 'japanese_era' })
      assert.oneOf(put.status(), [302, 303, 403], email)
      const denied = await latestEvent()
      assert.equal(denied.action, 'authz.denied')
      assert.equal(denied.destination, 'tenant.settings.update')
    }
    const unchanged = await Municipality.findByOrFail('slug', 'minato')
    assert.equal(unchanged.dateStyle, 'western')
    const staff = await signedIn(client, 'staff@minato.example')
    const residents = await staff.get('/m/minato/residents')
    assert.isFalse(residents.body().props.tenant.can.administerMunicipality)

    const { admin } = await createSecondTenant()
    const intruder = await signedIn(client, admin.email)
    await intruder.get('/')
    const page = await intruder.put('/m/minato/settings', { date_style: 'japanese_era' })
    page.assertStatus(404)
    const city = await Municipality.findByOrFail('slug', 'minato')
    assert.equal(city.dateStyle, 'western')
  })
})
