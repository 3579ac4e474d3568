import { test } from '@japa/runner'
import testUtils from '@adonisjs/core/services/test_utils'
import db from '@adonisjs/lucid/services/db'
import { createSecondTenant } from '#tests/helpers/tenants'
import { HOME_HELP, lot, residents, visit } from '#tests/helpers/usage_data'
import Provider from '#tenancy/provider'
import Facility from '#tenancy/facility'
import { latestEvent, signedIn } from '#tests/helpers/staff_console'
import { minato } from '#tests/helpers/programs'
import iconv from 'iconv-lite'

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

  test('a fiscal year of every program: figures, small cells as "*", audited', async ({
    client,
    assert,
  }) => {
    const { station, second } = await mayInMinato()
    const browser = await signedIn(client, 'staff@minato.example')
    const page = await browser.get('/m/minato/statistics?year=2026')
    page.assertStatus(200)
    page.assertInertiaComponent('statistics/staff/index')
    const props = page.body().props
    assert.deepEqual(props.filters, {
      program: '',
      from: '2026-04',
      to: '2027-03',
      fiscalYear: 2026,
    })
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
    // a table per program: April to March, then the year's total
    const postpartum = props.history.find(
      (entry: any) => entry.key === 'postpartum_support/postpartum'
    )
    assert.deepEqual(
      postpartum.months.map((month: any) => month.month),
      ['04', '05', '06', '07', '08', '09', '10', '11', '12']
        .map((month) => `2026-${month}`)
        .concat(['2027-01', '2027-02', '2027-03'])
    )
    assert.deepEqual(postpartum.months[1], {
      month: '2026-05',
      granted: { residents: 8, lots: 8, hours: 1024 },
      used: { residents: 10, visits: 10, hours: 18 },
    })
    assert.deepEqual(postpartum.months[0].used, { residents: 0, visits: 0, hours: 0 })
    assert.deepEqual(postpartum.total, {
      granted: { residents: 8, lots: 8, hours: 1024 },
      used: { residents: 10, visits: 10, hours: 18 },
    })
    const homeHelp = props.history.find(
      (entry: any) => entry.key === 'single_parent_home_help/home_help'
    )
    assert.deepEqual(homeHelp.months[1].granted, { residents: '*', lots: '*', hours: '*' })
    assert.deepEqual(homeHelp.total.granted, { residents: '*', lots: '*', hours: '*' })

    const event = await latestEvent()
    assert.equal(event.action, 'statistics.viewed')
    assert.equal(event.actor_role, 'municipal_staff')
    assert.equal(event.purpose, 'statistics')
    const details = typeof event.details === 'string' ? JSON.parse(event.details) : event.details
    assert.deepEqual(details, { program: null, from: '2026-04', to: '2027-03' })
    // no resident is the subject of an aggregate
    assert.isNull(event.subject_resident_id)
  })

  test('a range of months counts a resident once, however many months they used', async ({
    client,
    assert,
  }) => {
    const { station } = await mayInMinato()
    const [first] = await db
      .from('ledger_redemptions')
      .where('visit_date', '2026-05-12')
      .orderBy('id')
      .select('resident_id')
    const { default: Resident } = await import('#residents/resident')
    await visit(await Resident.findOrFail(first.resident_id), '2026-06-03', 60, station)
    const browser = await signedIn(client, 'staff@minato.example')
    const response = await browser.get(
      '/m/minato/statistics?from=2026-05&to=2026-06&program=postpartum_support/postpartum'
    )
    const props = response.body().props
    assert.deepEqual(props.filters, {
      program: 'postpartum_support/postpartum',
      from: '2026-05',
      to: '2026-06',
      fiscalYear: null,
    })
    assert.lengthOf(props.history, 1)
    assert.deepEqual(
      props.history[0].months.map((month: any) => month.used),
      [
        { residents: 10, visits: 10, hours: 18 },
        { residents: '*', visits: '*', hours: '*' },
      ]
    )
    // 10 residents in May and 1 of them again in June: 10, not 11
    assert.deepEqual(props.summary.used, { residents: 10, visits: 11, hours: 19 })
    assert.deepEqual(props.history[0].total.used, { residents: 10, visits: 11, hours: 19 })
  })

  test('one program and one month; the current fiscal year by default', async ({
    client,
    assert,
  }) => {
    await mayInMinato()
    const browser = await signedIn(client, 'admin@minato.example')
    const page = await browser.get(
      '/m/minato/statistics?month=2026-05&program=single_parent_home_help/home_help'
    )
    const props = page.body().props
    assert.deepEqual(props.filters, {
      program: 'single_parent_home_help/home_help',
      from: '2026-05',
      to: '2026-05',
      fiscalYear: null,
    })
    assert.deepEqual(props.summary.granted, { residents: '*', lots: '*', hours: '*' })
    assert.deepEqual(props.summary.used, { residents: 0, visits: 0, hours: 0 })
    assert.deepEqual(props.facilities, [])
    assert.lengthOf(props.history, 1)
    assert.lengthOf(props.history[0].months, 1)
    const event = await latestEvent()
    assert.equal(event.action, 'statistics.viewed')

    const current = await browser.get('/m/minato/statistics')
    current.assertStatus(200)
    const [year, month] = new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Tokyo' })
      .format(new Date())
      .split('-')
      .map(Number)
    const fiscalYear = month >= 4 ? year : year - 1
    assert.deepEqual(current.body().props.filters, {
      program: '',
      from: `${fiscalYear}-04`,
      to: `${fiscalYear + 1}-03`,
      fiscalYear,
    })
    assert.equal(current.body().props.fiscalYears[0], fiscalYear)
  })

  test('bad filters are explained; an unknown program is 404', async ({ client, assert }) => {
    const browser = await signedIn(client, 'staff@minato.example')
    await browser.get('/m/minato/statistics')
    const before = await db.from('audit_events').where('action', 'statistics.viewed')
    const errorAfter = async (query: string, field: string) => {
      const response = await browser.get(`/m/minato/statistics?${query}`)
      assert.oneOf(response.status(), [302, 303])
      const shown = await browser.get('/m/minato/statistics')
      return shown.body().props.errors[field]
    }
    assert.equal(await errorAfter('month=2026-13', 'month'), '月の形式が正しくありません。')
    assert.equal(
      await errorAfter('program=%3Cscript%3E', 'program'),
      '制度の形式が正しくありません。'
    )
    assert.equal(
      await errorAfter('from=2026-06&to=2026-05', 'to'),
      '終了月は開始月と同じか、それより後にしてください。'
    )
    assert.equal(
      await errorAfter('from=2020-04&to=2023-04', 'to'),
      '期間は36か月以内にしてください。'
    )
    assert.equal(await errorAfter('from=2026-04', 'to'), '終了月を入力してください。')
    assert.equal(await errorAfter('year=abc', 'year'), '年度は数字で入力してください。')
    const unknown = await browser.get('/m/minato/statistics?program=no_such/program')
    unknown.assertStatus(404)
    // refused requests showed nothing, so recorded no viewing (the six pages after each refusal did)
    const after = await db.from('audit_events').where('action', 'statistics.viewed')
    assert.equal(after.length, before.length + 6)
  })

  test('the monthly tables as CSV, in UTF-8 with BOM and in CP932, suppressed alike, audited', async ({
    client,
    assert,
  }) => {
    await mayInMinato()
    const browser = await signedIn(client, 'staff@minato.example')
    await browser.get('/m/minato/statistics')
    const utf8 = await browser.get('/m/minato/statistics/export?year=2026&encoding=utf8_bom')
    utf8.assertStatus(200)
    assert.equal(utf8.header('content-type'), 'text/csv; charset=utf-8')
    assert.include(
      utf8.header('content-disposition'),
      `filename*=UTF-8''${encodeURIComponent('統計_131032_2026年度.csv')}`
    )
    assert.equal(utf8.text().charCodeAt(0), 0xfeff)
    const lines = utf8.text().slice(1).split('\r\n')
    assert.equal(lines[0], '制度,月,交付を受けた人数,交付件数,交付時間,利用者数,利用回数,利用時間')
    assert.include(lines, '産前産後家事・育児支援サービス,2026年5月,8,8,1024,10,10,18')
    assert.include(lines, '産前産後家事・育児支援サービス,期間合計,8,8,1024,10,10,18')
    assert.include(lines, 'ひとり親家庭ホームヘルプサービス,2026年5月,*,*,*,0,0,0')
    // each program: 12 months and the total; the header; the final line break
    const screen = await browser.get('/m/minato/statistics')
    const programs = screen.body().props.programs
    assert.lengthOf(lines, programs.length * 13 + 2)
    assert.equal(lines.at(-1), '')

    const cp932 = await browser.download('/m/minato/statistics/export?year=2026&encoding=cp932')
    assert.equal(cp932.status, 200)
    assert.equal(cp932.headers.get('content-type'), 'text/csv; charset=Shift_JIS')
    assert.notEqual(cp932.body[0], 0xef, 'no UTF-8 BOM in a Shift_JIS file')
    assert.equal(
      iconv.decode(cp932.body, 'cp932'),
      utf8.text().slice(1),
      'the same text in both encodings'
    )

    const event = await latestEvent()
    assert.equal(event.action, 'statistics.exported')
    assert.equal(event.purpose, 'statistics')
    const details = typeof event.details === 'string' ? JSON.parse(event.details) : event.details
    assert.deepEqual(details, {
      program: null,
      from: '2026-04',
      to: '2027-03',
      encoding: 'cp932',
      file: 'statistics_131032_2026-04_2027-03.csv',
    })
  })

  test('provider staff and residents get 403; another municipality 404', async ({ client }) => {
    for (const email of ['owner@aozora.example', 'helper@aozora.example', 'hanako@example.jp']) {
      const browser = await signedIn(client, email)
      await browser.get('/')
      const page = await browser.get('/m/minato/statistics')
      page.assertStatus(403)
      const file = await browser.get('/m/minato/statistics/export')
      file.assertStatus(403)
    }
    const { admin } = await createSecondTenant()
    const intruder = await signedIn(client, admin.email)
    await intruder.get('/')
    const page = await intruder.get('/m/minato/statistics?month=2026-05')
    page.assertStatus(404)
    const file = await intruder.get('/m/minato/statistics/export?year=2026')
    file.assertStatus(404)
    const own = await intruder.get('/m/shinjuku/statistics?month=2026-05')
    own.assertStatus(200)
  })
})
