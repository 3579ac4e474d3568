import { test } from '@japa/runner'
import testUtils from '@adonisjs/core/services/test_utils'
import db from '@adonisjs/lucid/services/db'
import CouponIssuance from '#ledger/coupon_issuance'
import CouponAdministration from '#ledger/coupon_administration'
import CouponRedemption from '#ledger/coupon_redemption'
import LedgerEngine from '#ledger/ledger_engine'
import ResidentHistory, { HISTORY_PAGE_SIZE, type VisitItem } from '#home/resident_history'
import { createSecondTenant } from '#tests/helpers/tenants'
import { HOUR, residentWithChildren, staffOf, type Household } from '#tests/helpers/programs'
import { grantLot, HOME_HELP } from '#tests/helpers/usage_fixtures'
import { reserveAtAozora } from '#tests/helpers/resident_home'

const PROGRAM = { pluginId: 'postpartum_support', programCode: 'postpartum' }

/** The clock moves on between steps so "newest first" has one answer */
function tick() {
  return new Promise((resolve) => setTimeout(resolve, 5))
}

async function parent() {
  const household = await residentWithChildren([{ birthDate: '2026-03-01' }])
  const by = await staffOf(household.municipality)
  const issue = (minutes?: number) =>
    CouponIssuance.issue(
      {
        ...PROGRAM,
        municipalityId: household.municipality.id,
        residentId: household.resident.id,
        childId: household.children[0].id,
        windowKey: 'until_first_birthday',
        minutes: minutes ?? null,
        issueDate: '2026-03-10',
      },
      by
    )
  return { household, by, issue }
}

/** A 2-hour visit at Aozora on that day, waiting for the provider */
function reserve(household: Household, date: string, service = 'home_helper') {
  return reserveAtAozora(household.municipality, household.resident.id, {
    date,
    service,
    minutes: 2 * HOUR,
  })
}

function historyOf(household: Household, options: Parameters<ResidentHistory['page']>[1] = {}) {
  return new ResidentHistory(household.municipality.id, 'ja').page(household.resident.id, options)
}

test.group('Resident history', (group) => {
  group.each.setup(() => testUtils.db().withGlobalTransaction())

  test('visits waiting, approved, rejected and cancelled, with the reasons, newest first', async ({
    assert,
  }) => {
    const { household, by, issue } = await parent()
    await issue()
    await tick()
    const approved = await reserve(household, '2026-04-01')
    await CouponRedemption.approve(household.municipality.id, approved, by)
    await tick()
    const rejected = await reserve(household, '2026-04-02')
    await CouponRedemption.reject(household.municipality.id, rejected, '訪問できませんでした', by)
    await tick()
    const cancelled = await reserve(household, '2026-04-03')
    await CouponRedemption.approve(household.municipality.id, cancelled, by)
    await CouponRedemption.cancel(household.municipality.id, cancelled, '入力まちがい', by)
    await tick()
    const waiting = await reserve(household, '2026-04-04', 'doula')

    const history = await historyOf(household)
    assert.equal(history.total, 5)
    assert.deepEqual(
      history.items.map((item) => [item.type, item.id]),
      [
        ['visit', waiting],
        ['visit', cancelled],
        ['visit', rejected],
        ['visit', approved],
        ['grant', history.items[4].id],
      ]
    )
    const visits = history.items.filter((item): item is VisitItem => item.type === 'visit')
    assert.deepEqual(
      visits.map((visit) => [visit.status, visit.reason]),
      [
        ['waiting', null],
        ['cancelled', '入力まちがい'],
        ['rejected', '訪問できませんでした'],
        ['approved', null],
      ]
    )
    assert.deepInclude(visits[0], {
      programName: '産前産後家事・育児支援サービス',
      service: 'doula',
      serviceName: '家事・育児支援（産後ドゥーラ）',
      visitDate: '2026-04-04',
      visitStart: '10:00',
      minutes: 120,
      facility: 'あおぞら 芝浦ステーション',
      provider: 'あおぞら家事支援サービス',
    })
  })

  test('the grant side: issued, added, expiry changed, revoked with reasons, expired', async ({
    assert,
  }) => {
    const { household, by, issue } = await parent()
    const [first] = await issue(100 * HOUR)
    await tick()
    const [added] = await issue(28 * HOUR)
    await tick()
    await CouponAdministration.changeExpiry(
      household.municipality.id,
      added.lotId,
      '2027-03-31',
      '入院のため延長',
      by,
      { today: '2026-04-01' }
    )
    await tick()
    await CouponAdministration.revoke(household.municipality.id, first.lotId, '転出のため', by)
    await tick()
    await LedgerEngine.grant({
      municipalityId: household.municipality.id,
      residentId: household.resident.id,
      ...PROGRAM,
      definitionVersion: '2024-04',
      services: ['home_helper'],
      validFrom: '2025-04-01',
      validTo: '2025-12-31',
      minutes: 6 * HOUR,
    })
    await tick()
    await LedgerEngine.expireLapsed('2026-01-01')

    const history = await historyOf(household)
    const rows = history.items.map((item) =>
      item.type === 'grant' ? [item.kind, item.minutes / HOUR, item.reason, item.validTo] : null
    )
    assert.deepEqual(rows, [
      ['expired', 6, null, '2025-12-31'],
      ['issued', 6, null, '2025-12-31'],
      ['revoked', 100, '転出のため', '2027-02-28'],
      ['expiry_changed', 0, '入院のため延長', '2027-03-31'],
      ['added', 28, null, '2027-03-31'],
      ['issued', 100, null, '2027-02-28'],
    ])
    const issued = history.items.at(-1)!
    assert.deepInclude(issued, {
      programName: '産前産後家事・育児支援サービス',
      window: '妊娠中から1歳の誕生日の前日まで',
      validFrom: '2026-03-10',
    })
  })

  test('by program, paged by 50, and only this resident of this municipality', async ({
    assert,
  }) => {
    const { household, issue } = await parent()
    await issue()
    await grantLot(household.municipality, household.resident, HOME_HELP, 'I')
    const stranger = await residentWithChildren([{ birthDate: '2026-03-01' }])
    await grantLot(stranger.municipality, stranger.resident, HOME_HELP, 'I')

    const all = await historyOf(household)
    assert.equal(all.total, 2)
    const postpartum = await historyOf(household, { program: PROGRAM })
    assert.deepEqual(
      postpartum.items.map((item) => item.programCode),
      ['postpartum']
    )
    const homeHelp = await historyOf(household, {
      program: { pluginId: HOME_HELP.pluginId, programCode: HOME_HELP.programCode },
    })
    assert.deepEqual(
      homeHelp.items.map((item) => item.programName),
      ['ひとり親家庭ホームヘルプサービス']
    )

    // Another municipality's ledger with the same resident id is not theirs.
    const other = await createSecondTenant()
    const elsewhere = await new ResidentHistory(other.municipality.id, 'ja').page(
      household.resident.id
    )
    assert.equal(elsewhere.total, 0)

    // 55 grant events: two pages.
    const now = new Date()
    const [lot] = await db
      .from('ledger_lots')
      .where({ resident_id: household.resident.id, plugin_id: 'postpartum_support' })
      .select('id')
    await db.table('ledger_entries').multiInsert(
      Array.from({ length: 53 }, () => ({
        municipality_id: household.municipality.id,
        resident_id: household.resident.id,
        lot_id: lot.id,
        kind: 'expire',
        minutes: 0,
        delta_available: 0,
        created_at: now,
      }))
    )
    const first = await historyOf(household)
    assert.equal(first.total, 55)
    assert.lengthOf(first.items, HISTORY_PAGE_SIZE)
    const second = await historyOf(household, { page: 2 })
    assert.lengthOf(second.items, 5)
    assert.equal(second.page, 2)
    const seen = new Set([...first.items, ...second.items].map((item) => `${item.type}${item.id}`))
    assert.equal(seen.size, 55)
  })
})
