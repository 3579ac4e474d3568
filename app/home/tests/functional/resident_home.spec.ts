import { messagesOf } from '#tests/helpers/client_messages'
import { test } from '@japa/runner'
import testUtils from '@adonisjs/core/services/test_utils'
import db from '@adonisjs/lucid/services/db'
import { DateTime } from 'luxon'
import { todayInJapan } from '#ledger/coupon_issuance'
import CouponAdministration from '#ledger/coupon_administration'
import Resident from '#residents/resident'
import { createMember, createSecondTenant } from '#tests/helpers/tenants'
import { HOUR, minato, staffOf } from '#tests/helpers/programs'
import { grantLot, HOME_HELP } from '#tests/helpers/usage_fixtures'
import { signedIn } from '#tests/helpers/staff_console'
import { hanakoWithHours } from '#tests/helpers/resident_visits'
import { newParent, reserveAtAozora, stopOffering } from '#tests/helpers/resident_home'

async function homeArea(browser: Awaited<ReturnType<typeof signedIn>>) {
  const home = await browser.get('/')
  return home.body().props.residentAreas[0]
}

/** The id of the one lot hanakoWithHours issued */
async function lotOf(residentId: number) {
  const lot = await db.from('ledger_lots').where('resident_id', residentId).firstOrFail()
  return Number(lot.id)
}

/** A visit today at Aozora, reserved (and approved unless said) */
async function visit(
  residentId: number,
  options: { service?: string; hours: number; approve?: boolean; date?: string }
) {
  return reserveAtAozora(await minato(), residentId, {
    service: options.service,
    date: options.date ?? todayInJapan(),
    minutes: options.hours * HOUR,
    approve: options.approve !== false,
  })
}

function hoursOf(balances: { service: string; minutes: number }[]) {
  return Object.fromEntries(balances.map((balance) => [balance.service, balance.minutes / HOUR]))
}

test.group('Resident home', (group) => {
  group.each.setup(() => testUtils.db().withGlobalTransaction())

  test('a resident with a record sees every program, offered ones with an apply link', async ({
    client,
    assert,
  }) => {
    const browser = await signedIn(client, 'hanako@example.jp')
    const home = await browser.get('/')
    home.assertStatus(200)
    home.assertInertiaComponent('home/index')
    const props = home.body().props
    assert.isFalse(props.welcome)
    assert.lengthOf(props.residentAreas, 1)
    const [area] = props.residentAreas
    assert.equal(area.slug, 'minato')
    assert.equal(area.municipality, '港区')
    assert.deepEqual(area.held, [])
    assert.includeMembers(
      area.available.map((program: { pluginId: string }) => program.pluginId),
      ['postpartum_support', 'single_parent_home_help']
    )
    assert.deepEqual(area.waitingVisits, [])
  })

  test('hours per service, the worked example, waiting visits and the expiry', async ({
    client,
    assert,
  }) => {
    const { resident } = await hanakoWithHours()
    const browser = await signedIn(client, 'hanako@example.jp')
    let area = await homeArea(browser)
    assert.lengthOf(area.held, 1)
    assert.deepEqual(hoursOf(area.held[0].balances), { home_helper: 128, doula: 30 })
    assert.equal(area.held[0].balances[0].name, '家事支援（ホームヘルパー）')
    assert.isFalse(area.held[0].nearestExpiry.soon)
    assert.notInclude(
      area.available.map((program: { pluginId: string }) => program.pluginId),
      'postpartum_support'
    )

    // Doula 10 h (4 + 4 + 2 on three days) → 118 / 20
    const today = DateTime.fromISO(todayInJapan())
    for (const [days, hours] of [
      [1, 4],
      [2, 4],
      [3, 2],
    ]) {
      await visit(resident.id, {
        service: 'doula',
        hours,
        date: today.plus({ days }).toISODate()!,
      })
    }
    const waiting = await visit(resident.id, { hours: 2, approve: false })
    area = await homeArea(browser)
    assert.deepEqual(hoursOf(area.held[0].balances), { home_helper: 116, doula: 20 })
    assert.deepEqual(
      area.waitingVisits.map((row: { id: number }) => row.id),
      [waiting]
    )
    assert.equal(area.waitingVisits[0].facility, 'あおぞら 芝浦ステーション')
  })

  test('hours ending within 30 days are flagged', async ({ client, assert }) => {
    const { resident } = await hanakoWithHours()
    const lotId = await lotOf(resident.id)
    await db
      .from('ledger_lots')
      .where('id', lotId)
      .update({ valid_to: DateTime.fromISO(todayInJapan()).plus({ days: 20 }).toISODate() })
    const browser = await signedIn(client, 'hanako@example.jp')
    const area = await homeArea(browser)
    const expiry = area.held[0].nearestExpiry
    assert.deepInclude(expiry, { daysLeft: 20, soon: true, minutes: 128 * HOUR })
  })

  test('an account with no record and no role is welcomed with the two ways in', async ({
    client,
    assert,
  }) => {
    const parent = await newParent()
    const browser = await signedIn(client, parent.email)
    const home = await browser.get('/')
    home.assertStatus(200)
    assert.isTrue(home.body().props.welcome)
    assert.deepEqual(home.body().props.residentAreas, [])
    const messages = await messagesOf(client, home)
    assert.equal(
      messages['resident_home.home.welcome.link_title'],
      '区から利用者IDとコードを受け取った方'
    )
    assert.equal(messages['resident_home.home.welcome.start_title'], 'はじめて申し込む方')
  })

  test('staff keep their home: links to their console, no resident sections', async ({
    client,
    assert,
  }) => {
    const browser = await signedIn(client, 'admin@minato.example')
    const home = await browser.get('/')
    home.assertStatus(200)
    const props = home.body().props
    assert.isFalse(props.welcome)
    assert.deepEqual(props.residentAreas, [])
    assert.deepEqual(props.memberships[0].links, [
      { label: 'ui.home.links.staff', href: '/m/minato/residents' },
      { label: 'ui.home.links.audit', href: '/m/minato/audit' },
    ])
  })
})

test.group('Resident program page', (group) => {
  group.each.setup(() => testUtils.db().withGlobalTransaction())

  test('lots in plain terms, balances and the rules', async ({ client, assert }) => {
    const { city, resident } = await hanakoWithHours()
    const lotId = await lotOf(resident.id)
    await visit(resident.id, { hours: 3 })
    const old = await grantLot(city, resident, { ...HOME_HELP, version: '2025-04' }, 'I')
    await CouponAdministration.revoke(city.id, old, '転出のため', await staffOf(city))

    const browser = await signedIn(client, 'hanako@example.jp')
    const page = await browser.get('/m/minato/my/programs/postpartum_support/postpartum')
    page.assertStatus(200)
    page.assertInertiaComponent('home/resident/program')
    const { program } = page.body().props
    assert.equal(program.name, '産前産後家事・育児支援サービス')
    assert.deepEqual(hoursOf(program.balances), { home_helper: 125, doula: 30 })
    assert.deepEqual(
      program.lots.map((lot: { id: number }) => lot.id),
      [lotId]
    )
    assert.deepInclude(program.lots[0], {
      window: '妊娠中から1歳の誕生日の前日まで',
      status: 'active',
      grantedMinutes: 128 * HOUR,
      availableMinutes: 125 * HOUR,
      definitionName: '2024年度からの制度',
    })
    assert.equal(program.lots[0].child.name, 'ひなた')
    assert.include(program.rules.items, 'postpartum_support.rules.items.doula')

    const homeHelp = await browser.get('/m/minato/my/programs/single_parent_home_help/home_help')
    const lot = homeHelp.body().props.program.lots[0]
    assert.deepInclude(lot, { status: 'revoked', reason: '転出のため', availableMinutes: 0 })
  })

  test('a program the municipality does not offer, or an unknown one, is 404', async ({
    client,
  }) => {
    await stopOffering(await minato(), 'single_parent_home_help')
    const browser = await signedIn(client, 'hanako@example.jp')
    const disabled = await browser.get('/m/minato/my/programs/single_parent_home_help/home_help')
    disabled.assertStatus(404)
    const unknown = await browser.get('/m/minato/my/programs/postpartum_support/nothing')
    unknown.assertStatus(404)
    const offered = await browser.get('/m/minato/my/programs/postpartum_support/postpartum')
    offered.assertStatus(200)
  })

  test('staff cannot open resident pages; another municipality answers 404', async ({ client }) => {
    const staff = await signedIn(client, 'staff@minato.example')
    const refused = await staff.get('/m/minato/my/programs/postpartum_support/postpartum')
    refused.assertStatus(403)
    const history = await staff.get('/m/minato/my/history')
    history.assertStatus(403)

    await createSecondTenant()
    const browser = await signedIn(client, 'hanako@example.jp')
    const elsewhere = await browser.get('/m/shinjuku/my/programs/postpartum_support/postpartum')
    elsewhere.assertStatus(404)
    const elsewhereHistory = await browser.get('/m/shinjuku/my/history')
    elsewhereHistory.assertStatus(404)
  })
})

test.group('Resident history page', (group) => {
  group.each.setup(() => testUtils.db().withGlobalTransaction())

  test('visits and grants, newest first, by program, only her own', async ({ client, assert }) => {
    const { city, resident } = await hanakoWithHours()
    await new Promise((resolve) => setTimeout(resolve, 5))
    const approved = await visit(resident.id, { hours: 2 })
    await grantLot(city, resident, { ...HOME_HELP, version: '2025-04' }, 'I')
    // Yui's visit is not Hanako's history.
    const yui = await Resident.findByOrFail({
      municipalityId: city.id,
      residentNumber: 'MN-000102',
    })
    await grantLot(city, yui, { ...HOME_HELP, version: '2025-04' }, 'I')

    const browser = await signedIn(client, 'hanako@example.jp')
    const page = await browser.get('/m/minato/my/history')
    page.assertStatus(200)
    page.assertInertiaComponent('home/resident/history')
    const { history, programs, filters } = page.body().props
    assert.equal(history.total, 3)
    assert.deepEqual(filters, { program: '' })
    assert.deepInclude(programs, {
      key: 'postpartum_support:postpartum',
      name: '産前産後家事・育児支援サービス',
    })

    const filtered = await browser.get('/m/minato/my/history?program=postpartum_support:postpartum')
    const items = filtered.body().props.history.items
    assert.deepEqual(
      items.map((item: { type: string; id: number }) => item.type),
      ['visit', 'grant']
    )
    assert.equal(items[0].id, approved)
    assert.equal(items[0].status, 'approved')
    assert.equal(items[1].kind, 'issued')
    assert.equal(filtered.body().props.filters.program, 'postpartum_support:postpartum')
  })

  test('a bad filter is explained in words, nothing breaks', async ({ client, assert }) => {
    const browser = await signedIn(client, 'hanako@example.jp')
    await browser.get('/m/minato/my/history')
    for (const query of [
      'program=nothing:here',
      'program=postpartum_support/postpartum',
      'page=0',
      'page=abc',
    ]) {
      const response = await browser.get(`/m/minato/my/history?${query}`)
      assert.equal(response.status(), 302, query)
    }
    await browser.get('/m/minato/my/history')
    await browser.get('/m/minato/my/history?program=nothing:here')
    const page = await browser.get('/m/minato/my/history')
    page.assertStatus(200)
    assert.equal(page.body().props.errors.program, '選べないサービスです。一覧から選んでください。')
  })

  test('a program the municipality stopped offering cannot be chosen', async ({
    client,
    assert,
  }) => {
    await stopOffering(await minato(), 'single_parent_home_help')
    const browser = await signedIn(client, 'hanako@example.jp')
    await browser.get('/m/minato/my/history')
    const response = await browser.get(
      '/m/minato/my/history?program=single_parent_home_help:home_help'
    )
    assert.equal(response.status(), 302)
    const page = await browser.get('/m/minato/my/history')
    assert.notInclude(
      page.body().props.programs.map((program: { key: string }) => program.key),
      'single_parent_home_help:home_help'
    )
  })

  test('a resident of another municipality sees only that municipality', async ({
    client,
    assert,
  }) => {
    const { municipality } = await createSecondTenant()
    const user = await createMember(municipality, 'resident', 'both@example.jp')
    await Resident.create({
      municipalityId: municipality.id,
      userId: user.id,
      residentNumber: 'SJ-1',
      familyName: '新宿',
      givenName: '太郎',
      familyNameKana: 'シンジュク',
      givenNameKana: 'タロウ',
    })
    const browser = await signedIn(client, 'both@example.jp')
    const home = await browser.get('/')
    const props = home.body().props
    assert.lengthOf(props.residentAreas, 1)
    assert.equal(props.residentAreas[0].slug, 'shinjuku')
    // Shinjuku offers nothing yet.
    assert.deepEqual(props.residentAreas[0].available, [])
  })
})
