import { test } from '@japa/runner'
import testUtils from '@adonisjs/core/services/test_utils'
import db from '@adonisjs/lucid/services/db'
import { createSecondTenant } from '#tests/helpers/tenants'
import { HOME_HELP, lot, residents, visit } from '#tests/helpers/usage_data'
import Provider from '#tenancy/provider'
import Facility from '#tenancy/facility'
import { latestEvent, signedIn } from '#tests/helpers/staff_console'
import { minato } from '#tests/helpers/programs'

/**
 * Minato, May 2026: 8 residents visit Aozora's station (2 hours each),
 * 2 residents visit a second station (1 hour each); 8 postpartum lots and
 * 1 home-help lot created in May.
 */
async function mayInMinato() {
  const city = await minato()
  const aozora = await Provider.findByOrFail('nameJa', 'あおぞら家事支援サービス')
  const [station] = await aozora.related('facilities').query().orderBy('id')
  const second = await Facility.create({
    providerId: aozora.id,
    nameJa: 'あおぞら 田町ステーション',
    nameEn: 'Aozora Tamachi Station',
  })
  const people = await residents(city, 10)
  for (const resident of people.slice(0, 8)) {
    await visit(resident, '2026-05-12', 120, station)
    await lot(resident, '2026-05-01T03:00:00Z', 128 * 60)
  }
  for (const resident of people.slice(8)) await visit(resident, '2026-05-20', 60, second)
  await lot(people[9], '2026-05-02T03:00:00Z', 36 * 60, HOME_HELP)
  return { station, second }
}

test.group('Staff console: statistics', (group) => {
  group.each.setup(() => testUtils.db().withGlobalTransaction())

  test('a month of every program: figures, small cells as "*", audited', async ({
    client,
    assert,
  }) => {
    const { station, second } = await mayInMinato()
    const browser = await signedIn(client, 'staff@minato.example')
    const page = await browser.get('/m/minato/statistics?month=2026-05')
    page.assertStatus(200)
    page.assertInertiaComponent('statistics/staff/index')
    const props = page.body().props
    assert.deepEqual(props.filters, { program: '', month: '2026-05' })
    assert.deepEqual(props.summary.granted, { residents: 9, lots: 9, hours: 8 * 128 + 36 })
    assert.deepEqual(props.summary.used, { residents: 10, visits: 10, hours: 18 })
    const row = (id: number) => props.facilities.find((entry: any) => entry.facilityId === id)
    // 8 people would be shown, but 18 h in total minus its 16 h would give
    // away the small station's 2 h: it is hidden as well
    assert.deepEqual(row(station.id), {
      facilityId: station.id,
      facility: 'あおぞら 芝浦ステーション',
      provider: 'あおぞら家事支援サービス',
      residents: '*',
      visits: '*',
      hours: '*',
    })
    assert.deepEqual(row(second.id), {
      facilityId: second.id,
      facility: 'あおぞら 田町ステーション',
      provider: 'あおぞら家事支援サービス',
      residents: '*',
      visits: '*',
      hours: '*',
    })
    // a 12-month table per program, May last
    const postpartum = props.history.find(
      (entry: any) => entry.key === 'postpartum_support/postpartum'
    )
    assert.lengthOf(postpartum.months, 12)
    assert.equal(postpartum.months[0].month, '2025-06')
    assert.deepEqual(postpartum.months[11], {
      month: '2026-05',
      granted: { residents: 8, lots: 8, hours: 1024 },
      used: { residents: 10, visits: 10, hours: 18 },
    })
    assert.deepEqual(postpartum.months[10].used, { residents: 0, visits: 0, hours: 0 })
    const homeHelp = props.history.find(
      (entry: any) => entry.key === 'single_parent_home_help/home_help'
    )
    assert.deepEqual(homeHelp.months[11].granted, { residents: '*', lots: '*', hours: '*' })

    const event = await latestEvent()
    assert.equal(event.action, 'statistics.viewed')
    assert.equal(event.actor_role, 'municipal_staff')
    assert.equal(event.purpose, 'statistics')
    const details = typeof event.details === 'string' ? JSON.parse(event.details) : event.details
    assert.deepEqual(details, { program: null, month: '2026-05' })
    // no resident is the subject of an aggregate
    assert.isNull(event.subject_resident_id)
  })

  test('one program, and the current month by default', async ({ client, assert }) => {
    await mayInMinato()
    const browser = await signedIn(client, 'admin@minato.example')
    const page = await browser.get(
      '/m/minato/statistics?month=2026-05&program=single_parent_home_help/home_help'
    )
    const props = page.body().props
    assert.deepEqual(props.summary.granted, { residents: '*', lots: '*', hours: '*' })
    assert.deepEqual(props.summary.used, { residents: 0, visits: 0, hours: 0 })
    assert.deepEqual(props.facilities, [])
    assert.lengthOf(props.history, 1)
    const event = await latestEvent()
    assert.equal(event.action, 'statistics.viewed')

    const current = await browser.get('/m/minato/statistics')
    current.assertStatus(200)
    const thisMonth = new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Tokyo' })
      .format(new Date())
      .slice(0, 7)
    assert.equal(current.body().props.filters.month, thisMonth)
  })

  test('bad filters are explained; an unknown program is 404', async ({ client, assert }) => {
    const browser = await signedIn(client, 'staff@minato.example')
    await browser.get('/m/minato/statistics')
    const before = await db.from('audit_events').where('action', 'statistics.viewed')
    const response = await browser.get('/m/minato/statistics?month=2026-13')
    assert.oneOf(response.status(), [302, 303])
    let page = await browser.get('/m/minato/statistics')
    assert.equal(page.body().props.errors.month, '月の形式が正しくありません。')
    await browser.get('/m/minato/statistics?program=%3Cscript%3E')
    page = await browser.get('/m/minato/statistics')
    assert.equal(page.body().props.errors.program, '制度の形式が正しくありません。')
    const unknown = await browser.get('/m/minato/statistics?program=no_such/program')
    unknown.assertStatus(404)
    // refused requests showed nothing, so recorded no viewing
    const after = await db.from('audit_events').where('action', 'statistics.viewed')
    assert.equal(after.length, before.length + 2)
  })

  test('provider staff and residents get 403; another municipality 404', async ({ client }) => {
    for (const email of ['owner@aozora.example', 'helper@aozora.example', 'hanako@example.jp']) {
      const browser = await signedIn(client, email)
      await browser.get('/')
      const page = await browser.get('/m/minato/statistics')
      page.assertStatus(403)
    }
    const { admin } = await createSecondTenant()
    const intruder = await signedIn(client, admin.email)
    await intruder.get('/')
    const page = await intruder.get('/m/minato/statistics?month=2026-05')
    page.assertStatus(404)
    const own = await intruder.get('/m/shinjuku/statistics?month=2026-05')
    own.assertStatus(200)
  })
})
