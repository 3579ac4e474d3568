import { test } from '@japa/runner'
import testUtils from '@adonisjs/core/services/test_utils'
import db from '@adonisjs/lucid/services/db'
import CouponIssuance from '#ledger/coupon_issuance'
import CouponAdministration from '#ledger/coupon_administration'
import LedgerEngine from '#ledger/ledger_engine'
import CouponBalances from '#ledger/coupon_balances'
import ResidentOverview, { EXPIRING_SOON_DAYS } from '#home/resident_overview'
import { REMINDER_DAYS } from '#ledger/expiry_reminders'
import { HOUR, residentWithChildren, staffOf, type Household } from '#tests/helpers/programs'
import { ledgerVisit, POSTPARTUM } from '#tests/helpers/usage_fixtures'
import { reserveAtAozora, stopOffering } from '#tests/helpers/resident_home'

const PROGRAM = { pluginId: 'postpartum_support', programCode: 'postpartum' }
const BIRTH = '2026-03-01'
const ISSUED = '2026-03-10'
/** The first window ends the day before the first birthday */
const LAST_DAY = '2027-02-28'

/** A parent of a baby born 1 March 2026 with the first-window lot of 128 hours */
async function parentWithFirstLot() {
  const household = await residentWithChildren([{ birthDate: BIRTH }])
  const [lot] = await CouponIssuance.issue(
    {
      ...PROGRAM,
      municipalityId: household.municipality.id,
      residentId: household.resident.id,
      childId: household.children[0].id,
      windowKey: 'until_first_birthday',
      issueDate: ISSUED,
    },
    await staffOf(household.municipality)
  )
  return { household, lotId: lot.lotId }
}

function overviewOf(household: Household, today: string) {
  return new ResidentOverview(household.municipality.id, 'ja').of(household.resident.id, today)
}

/** The first held program on the home page that day */
async function firstHeld(household: Household, today: string) {
  const home = await overviewOf(household, today)
  return home.held[0]
}

/** Its nearest expiry that day */
async function expiryOn(household: Household, today: string) {
  const held = await firstHeld(household, today)
  return held.nearestExpiry!
}

/** A home-helper lot of the postpartum program under its 2024 rules */
function homeHelperLot(
  household: Household,
  lot: { validFrom: string; validTo: string; minutes: number }
) {
  return LedgerEngine.grant({
    municipalityId: household.municipality.id,
    residentId: household.resident.id,
    ...PROGRAM,
    definitionVersion: '2024-04',
    services: ['home_helper'],
    ...lot,
  })
}

function hoursOf(balances: { service: string; minutes: number }[]) {
  return Object.fromEntries(balances.map((balance) => [balance.service, balance.minutes / HOUR]))
}

test.group('Resident overview (home)', (group) => {
  group.each.setup(() => testUtils.db().withGlobalTransaction())

  test('the worked example: 128 h; doula 10 h → 118 / 20; helper 100 h → 18 / 18', async ({
    assert,
  }) => {
    const { household } = await parentWithFirstLot()
    const today = '2026-04-01'
    let home = await overviewOf(household, today)
    assert.lengthOf(home.held, 1)
    assert.equal(home.held[0].name, '産前産後家事・育児支援サービス')
    assert.deepEqual(hoursOf(home.held[0].balances), { home_helper: 128, doula: 30 })
    assert.equal(home.held[0].balances[0].name, '家事支援（ホームヘルパー）')

    const visit = (service: string, date: string, minutes: number) =>
      ledgerVisit(household.municipality, household.resident, POSTPARTUM, {
        service,
        date,
        minutes,
      })
    await visit('doula', '2026-04-02', 10 * HOUR)
    home = await overviewOf(household, today)
    assert.deepEqual(hoursOf(home.held[0].balances), { home_helper: 118, doula: 20 })

    await visit('home_helper', '2026-04-03', 100 * HOUR)
    home = await overviewOf(household, today)
    assert.deepEqual(hoursOf(home.held[0].balances), { home_helper: 18, doula: 18 })
  })

  test('its balances are the ones CouponBalances reads on its own: lots later, ended and revoked left out', async ({
    assert,
  }) => {
    const { household } = await parentWithFirstLot()
    const m = household.municipality.id
    await homeHelperLot(household, {
      validFrom: '2026-09-01',
      validTo: '2026-12-31',
      minutes: 6 * HOUR,
    })
    await homeHelperLot(household, {
      validFrom: '2026-03-01',
      validTo: '2026-04-30',
      minutes: 4 * HOUR,
    })
    const revoked = await homeHelperLot(household, {
      validFrom: '2026-03-01',
      validTo: '2026-12-31',
      minutes: 5 * HOUR,
    })
    await LedgerEngine.revoke(m, revoked, 'issued twice', null)
    await ledgerVisit(household.municipality, household.resident, POSTPARTUM, {
      service: 'home_helper',
      date: '2026-03-20',
      minutes: 3 * HOUR,
      status: 'posted',
    })
    for (const today of ['2026-03-15', '2026-06-01', '2026-10-01']) {
      const held = await firstHeld(household, today)
      const read = await CouponBalances.byService(m, household.resident.id, PROGRAM, today)
      assert.deepEqual(hoursOf(held.balances), hoursOf(read), today)
    }
    // The visit was paid from the lot ending first (April): on 1 June the first lot's 128 h
    // remain, and the ended, later and revoked lots count nothing
    const june = await firstHeld(household, '2026-06-01')
    assert.deepEqual(hoursOf(june.balances), {
      home_helper: 128,
      doula: 30,
    })
  })

  test('the nearest expiry warns within 30 days (the reminder mail threshold), not before', async ({
    assert,
  }) => {
    assert.equal(EXPIRING_SOON_DAYS, REMINDER_DAYS[0])
    assert.equal(EXPIRING_SOON_DAYS, 30)
    const { household } = await parentWithFirstLot()

    const far = await expiryOn(household, '2027-01-28')
    assert.deepEqual(far, { date: LAST_DAY, minutes: 128 * HOUR, daysLeft: 31, soon: false })

    const near = await expiryOn(household, '2027-01-29')
    assert.deepEqual(near, { date: LAST_DAY, minutes: 128 * HOUR, daysLeft: 30, soon: true })

    const lastDay = await expiryOn(household, LAST_DAY)
    assert.equal(lastDay.daysLeft, 0)
    assert.isTrue(lastDay.soon)

    // The day after, nothing is left to warn about, and nothing to spend.
    const after = await firstHeld(household, '2027-03-01')
    assert.isNull(after.nearestExpiry)
    assert.deepEqual(hoursOf(after.balances), { home_helper: 0, doula: 0 })
  })

  test('the nearest expiry is the first lot ending with hours left', async ({ assert }) => {
    const household = await residentWithChildren([{ birthDate: BIRTH }])
    const grant = (validTo: string, minutes: number, validFrom = '2026-01-01') =>
      homeHelperLot(household, { validFrom, validTo, minutes })
    const early = await grant('2026-05-31', 4 * HOUR)
    await grant('2026-12-31', 8 * HOUR)
    // Hours that start later are not spendable yet, so they do not end first.
    await grant('2026-06-30', 2 * HOUR, '2026-06-01')
    let expiry = await expiryOn(household, '2026-05-10')
    assert.deepEqual([expiry.date, expiry.minutes, expiry.soon], ['2026-05-31', 4 * HOUR, true])

    // Once the early lot is spent, the next one is the nearest.
    await db.from('ledger_lots').where('id', early).update({ available_minutes: 0 })
    expiry = await expiryOn(household, '2026-05-10')
    assert.deepEqual([expiry.date, expiry.minutes, expiry.soon], ['2026-12-31', 8 * HOUR, false])
  })

  test('programs not held are offered, marked when an application waits', async ({ assert }) => {
    const { household } = await parentWithFirstLot()
    let home = await overviewOf(household, '2026-04-01')
    const homeHelp = home.available.find(
      (program) => program.pluginId === 'single_parent_home_help'
    )
    assert.deepInclude(homeHelp, { programCode: 'home_help', applied: false })
    assert.notInclude(
      home.available.map((program) => program.pluginId),
      'postpartum_support'
    )

    await db.table('applications').insert({
      municipality_id: household.municipality.id,
      resident_id: household.resident.id,
      plugin_id: 'single_parent_home_help',
      program_code: 'home_help',
      answers: '{}',
      status: 'submitted',
      created_at: new Date(),
      updated_at: new Date(),
    })
    home = await overviewOf(household, '2026-04-01')
    assert.isTrue(
      home.available.find((program) => program.pluginId === 'single_parent_home_help')!.applied
    )
    assert.lengthOf(home.openApplications, 1)
    assert.equal(home.openApplications[0].programName, 'ひとり親家庭ホームヘルプサービス')
  })

  test('visits waiting for the provider are listed with the facility', async ({ assert }) => {
    const { household } = await parentWithFirstLot()
    const reserve = (date: string, approve = false) =>
      reserveAtAozora(household.municipality, household.resident.id, {
        date,
        minutes: 2 * HOUR,
        approve,
      })
    const waiting = await reserve('2026-04-02')
    await reserve('2026-04-03', true)

    const home = await overviewOf(household, '2026-04-01')
    assert.deepEqual(
      home.waitingVisits.map((visit) => visit.id),
      [waiting]
    )
    assert.deepInclude(home.waitingVisits[0], {
      serviceName: '家事支援（ホームヘルパー）',
      visitDate: '2026-04-02',
      visitStart: '10:00',
      minutes: 120,
      facility: 'あおぞら 芝浦ステーション',
      provider: 'あおぞら家事支援サービス',
    })
    // Held hours are not spendable: 128 − 2 (waiting) − 2 (approved)
    assert.equal(hoursOf(home.held[0].balances).home_helper, 124)
  })
})

test.group('Resident overview (program page)', (group) => {
  group.each.setup(() => testUtils.db().withGlobalTransaction())

  test('lots with window, services, hours, validity, definition and child', async ({ assert }) => {
    const { household, lotId } = await parentWithFirstLot()
    await household.children[0].merge({ givenName: 'ひなた' }).save()
    await ledgerVisit(household.municipality, household.resident, POSTPARTUM, {
      service: 'home_helper',
      date: '2026-04-02',
      minutes: 3 * HOUR,
    })
    const detail = (await new ResidentOverview(household.municipality.id, 'ja').program(
      household.resident.id,
      PROGRAM,
      '2026-04-01'
    ))!
    assert.equal(detail.name, '産前産後家事・育児支援サービス')
    assert.deepEqual(hoursOf(detail.balances), { home_helper: 125, doula: 30 })
    assert.lengthOf(detail.lots, 1)
    assert.deepEqual(detail.lots[0], {
      id: lotId,
      window: '妊娠中から1歳の誕生日の前日まで',
      services: ['家事支援（ホームヘルパー）', '家事・育児支援（産後ドゥーラ）'],
      grantedMinutes: 128 * HOUR,
      availableMinutes: 125 * HOUR,
      heldMinutes: 0,
      validFrom: ISSUED,
      validTo: LAST_DAY,
      status: 'active',
      upcoming: false,
      reason: null,
      definitionName: '2024年度からの制度',
      definitionVersion: '2024-04',
      child: { name: 'ひなた', birthDate: BIRTH, dueDate: null },
    })
    assert.deepEqual(detail.rules, {
      title: 'postpartum_support.rules.title',
      items: [
        'postpartum_support.rules.items.per_child',
        'postpartum_support.rules.items.first_year',
        'postpartum_support.rules.items.doula',
        'postpartum_support.rules.items.later_years',
        'postpartum_support.rules.items.order',
        'postpartum_support.rules.items.visit',
      ],
    })
  })

  test('expired and revoked lots keep their state and the reason, after the usable ones', async ({
    assert,
  }) => {
    const household = await residentWithChildren([{ birthDate: BIRTH }])
    const grant = (validTo: string) =>
      homeHelperLot(household, { validFrom: '2026-01-01', validTo, minutes: 10 * HOUR })
    const expired = await grant('2026-03-31')
    const lapsed = await grant('2026-04-30')
    const revoked = await grant('2026-12-31')
    const active = await grant('2026-11-30')
    await LedgerEngine.expireLapsed('2026-04-01')
    await CouponAdministration.revoke(
      household.municipality.id,
      revoked,
      '転出のため',
      await staffOf(household.municipality)
    )

    const detail = (await new ResidentOverview(household.municipality.id, 'ja').program(
      household.resident.id,
      PROGRAM,
      '2026-05-01'
    ))!
    assert.deepEqual(
      detail.lots.map((lot) => [lot.id, lot.status, lot.availableMinutes, lot.reason]),
      [
        [active, 'active', 10 * HOUR, null],
        [expired, 'expired', 0, null],
        // Its last day has passed; the nightly run has not caught up yet.
        [lapsed, 'expired', 0, null],
        [revoked, 'revoked', 0, '転出のため'],
      ]
    )
    assert.deepEqual(hoursOf(detail.balances), { home_helper: 10, doula: 0 })
    assert.equal(detail.nearestExpiry?.date, '2026-11-30')
  })

  test('a program the municipality does not offer has no page', async ({ assert }) => {
    const household = await residentWithChildren([])
    const overview = new ResidentOverview(household.municipality.id, 'ja')
    await stopOffering(household.municipality, 'single_parent_home_help')
    assert.isNull(
      await overview.program(household.resident.id, {
        pluginId: 'single_parent_home_help',
        programCode: 'home_help',
      })
    )
    assert.isNull(
      await overview.program(household.resident.id, { ...PROGRAM, programCode: 'nothing' })
    )
    assert.isNotNull(await overview.program(household.resident.id, PROGRAM))
  })

  test('names in English for an English reader', async ({ assert }) => {
    const { household } = await parentWithFirstLot()
    const detail = (await new ResidentOverview(household.municipality.id, 'en').program(
      household.resident.id,
      PROGRAM,
      '2026-04-01'
    ))!
    assert.equal(detail.balances[0].name, 'Home helper')
    assert.equal(detail.lots[0].definitionName, 'Rules from FY2024')
  })
})
