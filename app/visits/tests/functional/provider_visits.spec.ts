import { test } from '@japa/runner'
import testUtils from '@adonisjs/core/services/test_utils'
import db from '@adonisjs/lucid/services/db'
import type { ApiClient, ApiResponse } from '@japa/api-client'
import BrowserSession from '#tests/helpers/browser_session'
import { DEMO_PASSWORD } from '#database/demo_data'
import { todayInJapan } from '#ledger/coupon_issuance'
import VisitTokens from '#visits/visit_tokens'
import Facility from '#tenancy/facility'
import Membership from '#identity/membership'
import User from '#identity/user'
import ProviderRegistry from '#providers/provider_registry'
import { numberDigest } from '#visits/provider_resident_lookup'
import { createSecondTenant } from '#tests/helpers/tenants'
import { detailsOf, events, lastAuditEventId, signedIn } from '#tests/helpers/staff_console'
import { minato, staffOf } from '#tests/helpers/programs'
import {
  aozoraStation,
  ledgerVisit,
  POSTPARTUM as POSTPARTUM_PROGRAM,
  providerWithStation,
} from '#tests/helpers/usage_fixtures'
import type Resident from '#residents/resident'
import {
  aozoraVisit,
  aozoraVisitDetails,
  expireVisitToken,
  hanako,
  hanakoWithHours,
  smallLot,
  waitingAozoraVisit,
} from '#tests/helpers/resident_visits'

const BASE = '/m/minato/provider'

/** A visit of the resident at a provider (Aozora unless said), through the ledger */
async function visitAt(
  resident: Resident,
  status: 'reserved' | 'posted' | 'cancelled',
  providerId?: number
) {
  const city = await minato()
  const { provider, facility } = await aozoraStation()
  return ledgerVisit(
    city,
    resident,
    { ...POSTPARTUM_PROGRAM },
    {
      service: 'home_helper',
      date: todayInJapan(),
      minutes: 60,
      status,
      providerId: providerId ?? provider.id,
      facilityId: providerId ? null : facility.id,
    }
  )
}

function locationOf(response: ApiResponse) {
  return String(response.header('location'))
}

async function follow(browser: BrowserSession, response: ApiResponse) {
  response.assertStatus(302)
  return browser.get(locationOf(response))
}

function flashOf(page: ApiResponse) {
  const body = page.body()
  return (body.flash ?? body.props?.flash ?? {}) as { notice?: string; error?: string }
}

async function helper(client: ApiClient) {
  return signedIn(client, 'helper@aozora.example')
}

/** The start form as the landing page sends it */
async function startForm(overrides: Record<string, unknown> = {}) {
  const { facility } = await aozoraStation()
  return {
    program: 'postpartum_support/postpartum',
    service: 'home_helper',
    facility_id: facility.id,
    visit_date: todayInJapan(),
    visit_start: '10:00',
    hours: 2,
    ...overrides,
  }
}

/** Posts the start form from the landing page; returns the response and the page it leads to */
async function start(browser: BrowserSession, overrides: Record<string, unknown> = {}) {
  await browser.get(BASE)
  const response = await browser.post(`${BASE}/visits`, await startForm(overrides))
  return { response, page: await follow(browser, response) }
}

async function tokenCount() {
  const row = await db.from('visit_tokens').count('* as total').first()
  return Number(row?.total ?? 0)
}

/** Aozora in Minato contracted for the postpartum home helper only */
async function onlyHomeHelper() {
  const city = await minato()
  const { provider } = await aozoraStation()
  await ProviderRegistry.setContracts(
    city.id,
    provider.id,
    [{ pluginId: 'postpartum_support', programCode: 'postpartum', services: ['home_helper'] }],
    await staffOf(city)
  )
}

/** Another provider in Minato, with a station and a visit QR of its own */
async function otherProvider() {
  const city = await minato()
  const { provider, facility } = await providerWithStation(
    {
      ja: 'みなと家事サービス',
      en: 'Minato Care',
      stationJa: 'みなと 本店',
      stationEn: 'Minato Main',
    },
    { municipality: city, services: ['home_helper'] }
  )
  const visit = await VisitTokens.issue(
    await aozoraVisitDetails({ providerId: provider.id, facilityId: facility.id }),
    null
  )
  return { provider, facility, visit }
}

let before = 0

/** Minato's audit events of one action since the test began */
async function eventsOf(action: string) {
  const city = await minato()
  return events(city.id, action, before)
}

/** The props of the page at `url` */
async function propsOf(browser: BrowserSession, url: string) {
  const page = await browser.get(url)
  return page.body().props
}

test.group('Provider visits: where to work', (group) => {
  group.each.setup(() => testUtils.db().withGlobalTransaction())

  test('/provider takes staff of one municipality straight to its console', async ({
    client,
    assert,
  }) => {
    const browser = await helper(client)
    const response = await browser.get('/provider')
    response.assertStatus(302)
    assert.equal(locationOf(response), BASE)
  })

  test('/provider without a provider membership goes home with a notice', async ({
    client,
    assert,
  }) => {
    const staff = await signedIn(client, 'staff@minato.example')
    const home = await follow(staff, await staff.get('/provider'))
    assert.equal(home.body().component, 'home/index')
    assert.equal(flashOf(home).notice, '事業者のスタッフとして登録されている自治体がありません。')
  })

  test('/provider lists each municipality with the provider, disabled memberships left out', async ({
    client,
    assert,
  }) => {
    const { municipality } = await createSecondTenant()
    const { provider } = await aozoraStation()
    const user = await User.findByOrFail('email', 'helper@aozora.example')
    await Membership.create({
      userId: user.id,
      municipalityId: municipality.id,
      providerId: provider.id,
      role: 'provider_staff',
    })
    const browser = await helper(client)
    const choice = await browser.get('/provider')
    choice.assertStatus(200)
    assert.equal(choice.body().component, 'visits/provider/visits/choose')
    assert.deepEqual(choice.body().props.places, [
      { slug: 'minato', municipality: '港区', provider: 'あおぞら家事支援サービス' },
      { slug: 'shinjuku', municipality: '新宿区', provider: 'あおぞら家事支援サービス' },
    ])

    await Membership.query()
      .where({ userId: user.id, municipalityId: municipality.id })
      .update({ disabledAt: new Date() })
    const again = await browser.get('/provider')
    assert.equal(locationOf(again), BASE)
  })
})

test.group('Provider visits: the landing page', (group) => {
  group.each.setup(() => testUtils.db().withGlobalTransaction())
  group.each.setup(async () => {
    before = await lastAuditEventId()
  })

  test('shows the one facility, the contracted programs and the visits waiting', async ({
    client,
    assert,
  }) => {
    const { resident, city } = await hanakoWithHours()
    const { token } = await aozoraVisit()
    await VisitTokens.redeem(city.id, resident.id, { token }, await staffOf(city))

    const browser = await helper(client)
    const page = await browser.get(BASE)
    page.assertStatus(200)
    const props = page.body().props
    assert.equal(page.body().component, 'visits/provider/visits/index')
    assert.equal(props.facility.name, 'あおぞら 芝浦ステーション')
    assert.lengthOf(props.facilities, 1)
    const postpartum = props.programs.find(
      (program: { key: string }) => program.key === 'postpartum_support/postpartum'
    )
    assert.deepEqual(
      postpartum.services.map((service: { code: string }) => service.code),
      ['home_helper', 'doula']
    )
    assert.deepEqual(postpartum.hours, [1, 2, 3, 4])
    assert.equal(props.defaults.visitDate, todayInJapan())
    assert.match(props.defaults.visitStart, /^\d{2}:\d{2}$/)
    assert.equal(props.waiting.all, 1)
    assert.equal(props.waiting.facility, 1)
  })

  test('offers only the programs and services of the provider’s contract here', async ({
    client,
    assert,
  }) => {
    await onlyHomeHelper()
    const browser = await helper(client)
    const props = await propsOf(browser, BASE)
    assert.deepEqual(
      props.programs.map((program: { key: string; services: { code: string }[] }) => [
        program.key,
        program.services.map((service) => service.code),
      ]),
      [['postpartum_support/postpartum', ['home_helper']]]
    )
  })

  test('several facilities: choose one, it is remembered; another provider’s is 404 and audited', async ({
    client,
    assert,
  }) => {
    const { provider } = await aozoraStation()
    const second = await Facility.create({
      providerId: provider.id,
      nameJa: 'あおぞら 品川ステーション',
      nameEn: 'Aozora Shinagawa Station',
    })
    const browser = await helper(client)
    const unchosen = await propsOf(browser, BASE)
    assert.isNull(unchosen.facility)
    assert.lengthOf(unchosen.facilities, 2)

    const chosen = await browser.get(`${BASE}?facility=${second.id}`)
    assert.equal(chosen.body().props.facility.id, second.id)
    const later = await browser.get(BASE)
    assert.equal(later.body().props.facility.id, second.id)

    const { facility: theirs } = await otherProvider()
    const refused = await browser.get(`${BASE}?facility=${theirs.id}`)
    refused.assertStatus(404)
    const [event] = await eventsOf('facility.not_found')
    assert.equal(event.outcome, 'denied')
    assert.include(event.details, `${theirs.id}`)
  })

  test('is for provider staff only', async ({ client }) => {
    for (const email of ['staff@minato.example', 'hanako@example.jp']) {
      const browser = new BrowserSession(client)
      await browser.signIn(email, DEMO_PASSWORD)
      const landing = await browser.get(BASE)
      landing.assertStatus(403)
      const lookup = await browser.get(`${BASE}/residents?number=MN-000101`)
      lookup.assertStatus(403)
    }
  })
})

test.group('Provider visits: start a visit and show its QR', (group) => {
  group.each.setup(() => testUtils.db().withGlobalTransaction())
  group.each.setup(async () => {
    before = await lastAuditEventId()
  })

  test('starting a visit issues a QR for this provider and facility, audited', async ({
    client,
    assert,
  }) => {
    const browser = await helper(client)
    const { response, page } = await start(browser)
    const row = await db.from('visit_tokens').orderBy('id', 'desc').firstOrFail()
    assert.equal(locationOf(response), `${BASE}/visits/${row.id}`)
    const { provider, facility } = await aozoraStation()
    assert.equal(Number(row.provider_id), provider.id)
    assert.equal(Number(row.facility_id), facility.id)
    assert.equal(row.service, 'home_helper')
    assert.equal(Number(row.minutes), 120)
    assert.equal(row.visit_date, todayInJapan())

    assert.equal(page.body().component, 'visits/provider/visits/show')
    const props = page.body().props
    assert.equal(props.visit.state, 'open')
    assert.equal(props.qr.shortCode, row.short_code)
    assert.match(props.qr.image, /^data:image\/svg\+xml;base64,/)
    assert.include(Buffer.from(props.qr.image.split(',')[1], 'base64').toString(), '<svg')
    assert.equal(props.visit.service, '家事支援（ホームヘルパー）')
    assert.equal(props.visit.facility, 'あおぞら 芝浦ステーション')
    assert.equal(
      flashOf(page).notice,
      '利用を開始しました。利用者にQRコードを読み取ってもらってください。'
    )
    // The token is never in an address
    assert.notInclude(locationOf(response), 'token')

    const [event] = await eventsOf('visit.started')
    const helperUser = await User.findByOrFail('email', 'helper@aozora.example')
    assert.equal(Number(event.actor_user_id), helperUser.id)
    assert.equal(event.actor_role, 'provider_staff')
    assert.equal(detailsOf(event).visit_token_id, Number(row.id))
  })

  test('another device of the same provider sees the visit but not its QR', async ({
    client,
    assert,
  }) => {
    const browser = await helper(client)
    await start(browser)
    const row = await db.from('visit_tokens').orderBy('id', 'desc').firstOrFail()
    const owner = await signedIn(client, 'owner@aozora.example')
    const page = await owner.get(`${BASE}/visits/${row.id}`)
    page.assertStatus(200)
    assert.equal(page.body().props.visit.state, 'open')
    assert.isNull(page.body().props.qr)
    assert.equal(page.body().props.restart.service, 'home_helper')
  })

  test('a service outside the contract is refused at the field, nothing created', async ({
    client,
    assert,
  }) => {
    await onlyHomeHelper()
    const browser = await helper(client)
    const count = await tokenCount()
    const { page } = await start(browser, { service: 'doula' })
    assert.equal(page.body().component, 'visits/provider/visits/index')
    assert.equal(
      page.body().props.errors.service,
      'この事業者は、この自治体で「家事・育児支援（産後ドゥーラ）」（産前産後家事・育児支援サービス）の契約がありません。'
    )
    const other = await start(browser, {
      program: 'single_parent_home_help/home_help',
      service: 'housework',
      hours: 1,
    })
    assert.include(other.page.body().props.errors.service, '契約がありません')
    assert.equal(await tokenCount(), count)
    assert.lengthOf(await eventsOf('visit.started'), 0)
  })

  test('the program’s rules are refused at their fields, nothing created', async ({
    client,
    assert,
  }) => {
    const browser = await helper(client)
    const count = await tokenCount()
    const length = await start(browser, { hours: 5 })
    assert.equal(
      length.page.body().props.errors.hours,
      '1回の利用時間は 1, 2, 3, 4 時間のいずれかです。'
    )
    const late = await start(browser, { visit_start: '21:30' })
    assert.equal(
      late.page.body().props.errors.visit_start,
      '利用できる時間帯は08:00から22:00までです。'
    )
    const unknown = await start(browser, { service: 'gardening' })
    assert.include(unknown.page.body().props.errors.service, 'このサービスはこの制度にありません')
    const missing = await start(browser, { program: '', visit_date: 'tomorrow' })
    assert.properties(missing.page.body().props.errors, ['program', 'visit_date'])
    assert.equal(await tokenCount(), count)
  })

  test('another provider’s facility is 404 and audited; nothing created', async ({
    client,
    assert,
  }) => {
    const { facility: theirs } = await otherProvider()
    const count = await tokenCount()
    const browser = await helper(client)
    await browser.get(BASE)
    const response = await browser.post(
      `${BASE}/visits`,
      await startForm({ facility_id: theirs.id })
    )
    response.assertStatus(404)
    assert.equal(await tokenCount(), count)
    assert.lengthOf(await eventsOf('facility.not_found'), 1)
  })

  test('another provider’s visit QR is 404 and audited', async ({ client, assert }) => {
    const { visit } = await otherProvider()
    const browser = await helper(client)
    const response = await browser.get(`${BASE}/visits/${visit.id}`)
    response.assertStatus(404)
    const [event] = await eventsOf('visit_token.not_found')
    assert.equal(detailsOf(event).visit_token_id, visit.id)
    const unknown = await browser.get(`${BASE}/visits/99999999`)
    unknown.assertStatus(404)
  })

  test('an expired QR says so and can start again with the same details', async ({
    client,
    assert,
  }) => {
    const browser = await helper(client)
    await start(browser, { hours: 1, visit_start: '11:00' })
    const row = await db.from('visit_tokens').orderBy('id', 'desc').firstOrFail()
    await expireVisitToken(row.short_code)
    const page = await browser.get(`${BASE}/visits/${row.id}`)
    assert.equal(page.body().props.visit.state, 'expired')
    assert.isNull(page.body().props.qr)
    const restart = page.body().props.restart
    assert.deepInclude(restart, { service: 'home_helper', visit_start: '11:00', hours: 1 })

    const again = await browser.post(`${BASE}/visits`, restart)
    const newer = await db.from('visit_tokens').orderBy('id', 'desc').firstOrFail()
    assert.notEqual(newer.id, row.id)
    assert.equal(locationOf(again), `${BASE}/visits/${newer.id}`)
    const shown = await browser.get(`${BASE}/visits/${newer.id}`)
    assert.equal(shown.body().props.qr.shortCode, newer.short_code)
  })

  test('once the resident confirms: the name and the way to approval, seen on record once', async ({
    client,
    assert,
  }) => {
    const { city, resident } = await hanakoWithHours()
    const browser = await helper(client)
    await start(browser)
    const row = await db.from('visit_tokens').orderBy('id', 'desc').firstOrFail()
    const open = await browser.get(`${BASE}/visits/${row.id}`)
    assert.equal(open.body().props.visit.state, 'open')

    // The resident scans the QR: here, with the token the page's QR holds.
    const { redemptionId } = await VisitTokens.redeem(
      city.id,
      resident.id,
      { shortCode: row.short_code },
      await staffOf(city)
    )
    const page = await browser.get(`${BASE}/visits/${row.id}`)
    const visit = page.body().props.visit
    assert.equal(visit.state, 'confirmed')
    assert.equal(visit.residentName, `${resident.familyName} ${resident.givenName}`)
    assert.equal(visit.redemptionId, redemptionId)
    assert.equal(visit.redemptionStatus, 'reserved')
    assert.isNull(page.body().props.qr)

    await browser.get(`${BASE}/visits/${row.id}`)
    const seen = await events(city.id, 'visit.confirmation_viewed', before)
    assert.lengthOf(seen, 1)
    assert.equal(Number(seen[0].subject_resident_id), resident.id)
  })
})

test.group('Provider visits: resident lookup', (group) => {
  group.each.setup(() => testUtils.db().withGlobalTransaction())
  group.each.setup(async () => {
    before = await lastAuditEventId()
  })

  test('shows only the name, the hours of the contracted services and the nearest expiry', async ({
    client,
    assert,
  }) => {
    const { resident, city } = await hanakoWithHours()
    // A visit at Aozora that staff cancelled: a relationship, the hours back
    await visitAt(resident, 'cancelled')
    await onlyHomeHelper()
    const browser = await helper(client)
    const page = await browser.get(`${BASE}/residents?number=MN-000101`)
    page.assertStatus(200)
    assert.equal(page.body().component, 'visits/provider/visits/lookup')
    const { result, error } = page.body().props
    assert.isNull(error)
    assert.deepEqual(Object.keys(result).sort(), ['name', 'nearestExpiry', 'programs'])
    assert.equal(result.name, `${resident.familyName} ${resident.givenName}`)
    assert.deepEqual(result.programs, [
      {
        key: 'postpartum_support/postpartum',
        name: '産前産後家事・育児支援サービス',
        services: [{ name: '家事支援（ホームヘルパー）', minutes: 128 * 60 }],
      },
    ])
    const lot = await db
      .from('ledger_lots')
      .where('resident_id', resident.id)
      .orderBy('valid_to')
      .firstOrFail()
    assert.equal(result.nearestExpiry, lot.valid_to)
    // Nothing else of the record
    const text = JSON.stringify(page.body().props)
    for (const hidden of [resident.familyNameKana, resident.phone ?? '03-', 'ひなた']) {
      assert.notInclude(text, hidden)
    }

    const [event] = await events(city.id, 'provider.resident_looked_up', before)
    assert.equal(Number(event.subject_resident_id), resident.id)
    assert.equal(detailsOf(event).found, true)
  })

  test('the number may be typed in any case or full-width', async ({ client, assert }) => {
    const { resident } = await hanako()
    await smallLot(resident.id, 1)
    await visitAt(resident, 'cancelled')
    const browser = await helper(client)
    const page = await browser.get(
      `${BASE}/residents?number=${encodeURIComponent('ｍｎ－０００１０１')}`
    )
    assert.equal(page.body().props.result.name, `${resident.familyName} ${resident.givenName}`)
    assert.deepEqual(page.body().props.result.programs[0].services[0].minutes, 60)
  })

  test('a miss is audited without the number in clear', async ({ client, assert }) => {
    const browser = await helper(client)
    const page = await browser.get(`${BASE}/residents?number=ZZ-424242`)
    assert.isNull(page.body().props.result)
    assert.equal(page.body().props.error, 'この利用者IDの利用者は見つかりません。')
    const [event] = await eventsOf('provider.resident_looked_up')
    assert.isNull(event.subject_resident_id)
    assert.notInclude(event.details, 'ZZ-424242')
    assert.notInclude(event.details, '424242')
    assert.equal(detailsOf(event).number_hmac, numberDigest('ZZ-424242'))
  })

  test('empty or malformed numbers get a translated error and no lookup', async ({
    client,
    assert,
  }) => {
    const browser = await helper(client)
    const blank = await browser.get(`${BASE}/residents`)
    assert.isNull(blank.body().props.error)
    assert.isFalse(blank.body().props.searched)
    const empty = await browser.get(`${BASE}/residents?number=`)
    assert.equal(empty.body().props.error, '利用者IDを入力してください。')
    const bad = await browser.get(`${BASE}/residents?number=${encodeURIComponent('山田 花子')}`)
    assert.equal(bad.body().props.error, '利用者IDは英字・数字・「-」で入力してください。')
    const array = await browser.get(`${BASE}/residents?number[]=1&number[]=2`)
    array.assertStatus(200)
    assert.isNotNull(array.body().props.error)
    assert.lengthOf(await eventsOf('provider.resident_looked_up'), 0)
  })

  test('a resident with no visit at this provider is answered like a number nobody has', async ({
    client,
    assert,
  }) => {
    const { resident, city } = await hanakoWithHours()
    const browser = await helper(client)
    const stranger = await browser.get(`${BASE}/residents?number=MN-000101`)
    const miss = await browser.get(`${BASE}/residents?number=MN-999999`)
    const refused = { ...stranger.body().props, number: null }
    const missed = { ...miss.body().props, number: null }
    assert.deepEqual(refused, missed)
    assert.isNull(refused.result)
    assert.equal(refused.error, 'この利用者IDの利用者は見つかりません。')
    assert.notInclude(JSON.stringify(stranger.body()), resident.familyName)

    const [missEvent, refusedEvent] = await events(city.id, 'provider.resident_looked_up', before)
    assert.equal(refusedEvent.outcome, 'denied')
    assert.equal(Number(refusedEvent.subject_resident_id), resident.id)
    assert.deepInclude(detailsOf(refusedEvent), { found: true, shown: false })
    assert.equal(missEvent.outcome, 'success')
    assert.deepInclude(detailsOf(missEvent), { found: false, shown: false })
  })

  test('a visit at another provider only does not let this one see the resident', async ({
    client,
    assert,
  }) => {
    const { resident, city } = await hanakoWithHours()
    const { provider: other } = await providerWithStation(
      { ja: 'ひかり産後ケア', en: 'Hikari Care', stationJa: 'ひかり', stationEn: 'Hikari' },
      { municipality: city, services: ['home_helper'] }
    )
    await visitAt(resident, 'posted', other.id)
    const browser = await helper(client)
    const page = await browser.get(`${BASE}/residents?number=MN-000101`)
    assert.isNull(page.body().props.result)
    assert.equal(page.body().props.error, 'この利用者IDの利用者は見つかりません。')
  })

  test('lookups that find someone count against the limit too, per account; audited', async ({
    client,
    assert,
  }) => {
    const { resident, city } = await hanakoWithHours()
    await visitAt(resident, 'cancelled')
    const browser = await helper(client)
    for (let attempt = 1; attempt <= 10; attempt++) {
      const page = await browser.get(`${BASE}/residents?number=MN-000101`)
      assert.isNotNull(page.body().props.result, `lookup ${attempt}`)
    }
    const stopped = await browser.get(`${BASE}/residents?number=MN-000101`)
    assert.isNull(stopped.body().props.result)
    assert.equal(
      stopped.body().props.error,
      '利用者を調べた回数が多すぎるため、しばらく調べられません。10分ほど後にもう一度お試しください。'
    )
    const miss = await browser.get(`${BASE}/residents?number=MN-999999`)
    assert.equal(miss.body().props.error, stopped.body().props.error)

    const lookups = await events(city.id, 'provider.resident_looked_up', before)
    assert.lengthOf(lookups, 12)
    const [missed, refused] = lookups
    for (const event of [missed, refused]) {
      assert.equal(event.outcome, 'denied')
      assert.isNull(event.subject_resident_id)
      assert.deepInclude(detailsOf(event), { throttled: true, shown: false })
    }
    assert.equal(detailsOf(refused).number_hmac, numberDigest('MN-000101'))
    assert.lengthOf(
      lookups.filter((event) => detailsOf(event).shown === true),
      10
    )

    // Another account of the provider is counted on its own
    const owner = await signedIn(client, 'owner@aozora.example')
    const page = await owner.get(`${BASE}/residents?number=MN-000101`)
    assert.equal(page.body().props.result.name, `${resident.familyName} ${resident.givenName}`)
  })

  test('a past visit at this provider lets its staff see the resident', async ({
    client,
    assert,
  }) => {
    const { resident } = await hanakoWithHours()
    await visitAt(resident, 'posted')
    const browser = await helper(client)
    const page = await browser.get(`${BASE}/residents?number=MN-000101`)
    assert.equal(page.body().props.result.name, `${resident.familyName} ${resident.givenName}`)
  })

  test('a visit waiting for approval here (the resident scanned its QR) is enough too', async ({
    client,
    assert,
  }) => {
    await hanakoWithHours()
    const { resident } = await waitingAozoraVisit()
    const browser = await helper(client)
    const page = await browser.get(`${BASE}/residents?number=MN-000101`)
    assert.equal(page.body().props.result.name, `${resident.familyName} ${resident.givenName}`)
  })
})
