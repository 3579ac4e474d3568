import { test } from '@japa/runner'
import testUtils from '@adonisjs/core/services/test_utils'
import db from '@adonisjs/lucid/services/db'
import i18nManager from '@adonisjs/i18n/services/main'
import CouponIssuance, { type IssueInput } from '#ledger/coupon_issuance'
import CouponRedemption, { type RedeemInput } from '#ledger/coupon_redemption'
import CouponDefinitions from '#ledger/coupon_definitions'
import LedgerEngine from '#ledger/ledger_engine'
import LedgerVerifier from '#ledger/ledger_verifier'
import ace from '@adonisjs/core/services/ace'
import Municipality from '#tenancy/municipality'
import { createSecondTenant } from '#tests/helpers/tenants'
import {
  HOUR,
  nextKey,
  refusalCodeOf,
  refusalOf,
  residentWithChildren,
  staffOf,
  approvedVisit,
  hoursLeftByService,
  type Household,
} from '#tests/helpers/programs'

const program = { pluginId: 'postpartum_support', programCode: 'postpartum' }

async function issue(household: Household, overrides: Partial<IssueInput> = {}) {
  return CouponIssuance.issue(
    {
      ...program,
      municipalityId: household.municipality.id,
      residentId: household.resident.id,
      childId: household.children[0]?.id,
      issueDate: '2026-10-01',
      ...overrides,
    },
    await staffOf(household.municipality)
  )
}

function visit(household: Household, overrides: Partial<RedeemInput> = {}) {
  return approvedVisit(program, household, {
    service: 'home_helper',
    visitDate: '2026-12-10',
    visitStart: '09:00',
    minutes: 2 * HOUR,
    ...overrides,
  })
}

function hoursLeft(household: Household, onDate: string) {
  return hoursLeftByService(program, household, onDate)
}

/** Consecutive days from a start date, for one visit a day */
function day(start: string, offset: number) {
  const date = new Date(`${start}T00:00:00Z`)
  date.setUTCDate(date.getUTCDate() + offset)
  return date.toISOString().slice(0, 10)
}

test.group('Postpartum support: windows from the due or birth date', (group) => {
  group.each.setup(() => testUtils.db().withGlobalTransaction())

  test('a child due on 1 December gets 128 h to the day before the 1st birthday, then 48 h and 48 h', async ({
    assert,
  }) => {
    const household = await residentWithChildren([{ dueDate: '2026-12-01' }])
    const lots = await issue(household)
    assert.deepEqual(
      lots.map((lot) => [lot.windowKey, lot.minutes / HOUR, lot.validFrom, lot.validTo]),
      [
        ['until_first_birthday', 128, '2026-10-01', '2027-11-30'],
        ['second_year', 48, '2027-12-01', '2028-11-30'],
        ['third_year', 48, '2028-12-01', '2029-11-30'],
      ]
    )
    // In the lots' order: PostgreSQL returns rows in no order unless asked
    const rows = await db
      .from('ledger_lots')
      .whereIn(
        'id',
        lots.map((lot) => lot.lotId)
      )
      .orderBy('id')
    assert.isTrue(rows.every((row) => row.definition_version === '2024-04'))
    assert.deepEqual(
      rows.map((row) => JSON.parse(row.services)),
      [['home_helper', 'doula'], ['home_helper'], ['home_helper']]
    )
    const audit = await db
      .from('audit_events')
      .where('action', 'coupon.issued')
      .where('subject_resident_id', household.resident.id)
    assert.lengthOf(audit, 1)
  })

  test('once the birth is recorded, windows count from the birth date, not the due date', async ({
    assert,
  }) => {
    const household = await residentWithChildren([
      { dueDate: '2026-12-01', birthDate: '2026-11-18' },
    ])
    const [first] = await issue(household, { issueDate: '2026-11-20' })
    assert.equal(first.validTo, '2027-11-17')
  })

  test('each child of twins has a window of their own', async ({ assert }) => {
    const household = await residentWithChildren([
      { birthDate: '2026-09-01', multipleBirth: true },
      { birthDate: '2026-09-01', multipleBirth: true },
    ])
    await issue(household, { childId: household.children[0].id })
    await issue(household, { childId: household.children[1].id })
    assert.deepEqual(await hoursLeft(household, '2026-10-10'), { home_helper: 256, doula: 60 })
  })

  test('a window already granted is refused, and nothing is added', async ({ assert }) => {
    const household = await residentWithChildren([{ dueDate: '2026-12-01' }])
    await issue(household)
    const refused = await refusalOf(() => issue(household))
    assert.equal(refused.code, 'cap_exceeded')
    assert.deepEqual(refused.values, {
      cap: 128 * HOUR,
      already: 128 * HOUR,
      requested: 128 * HOUR,
    })
    const count = await db
      .from('ledger_lots')
      .where('resident_id', household.resident.id)
      .count('* as total')
    assert.equal(Number(count[0].total), 3)
  })

  test('after the third birthday nothing is left to grant', async ({ assert }) => {
    const household = await residentWithChildren([{ birthDate: '2023-05-01' }])
    assert.equal(await refusalCodeOf(() => issue(household)), 'windows_over')
  })

  test('a child without dates, or another resident’s child, is refused', async ({ assert }) => {
    const undated = await residentWithChildren([{}])
    assert.equal(await refusalCodeOf(() => issue(undated)), 'child_dates_missing')
    const other = await residentWithChildren([{ dueDate: '2026-12-01' }])
    assert.equal(
      await refusalCodeOf(() => issue(undated, { childId: other.children[0].id })),
      'child_not_found'
    )
    assert.equal(await refusalCodeOf(() => issue(undated, { childId: null })), 'child_required')
  })
})

test.group('Postpartum support: redemption rules', (group) => {
  group.each.setup(() => testUtils.db().withGlobalTransaction())

  test('the worked example: doula 10 h, then home helper 100 h, then a doula visit after 7 months', async ({
    assert,
  }) => {
    const household = await residentWithChildren([{ dueDate: '2026-12-01' }])
    await issue(household)

    for (const [offset, hours] of [4, 4, 2].entries()) {
      await visit(household, {
        service: 'doula',
        visitDate: day('2026-12-10', offset),
        minutes: hours * HOUR,
      })
    }
    assert.deepEqual(await hoursLeft(household, '2026-12-20'), { home_helper: 118, doula: 20 })

    for (let offset = 0; offset < 25; offset++) {
      await visit(household, { visitDate: day('2027-01-04', offset), minutes: 4 * HOUR })
    }
    assert.deepEqual(await hoursLeft(household, '2027-02-20'), { home_helper: 18, doula: 18 })

    // Due 1 December 2026: doula until the day before 7 months, 30 June 2027.
    await visit(household, { service: 'doula', visitDate: '2027-06-30', minutes: HOUR })
    const refused = await refusalOf(() =>
      visit(household, { service: 'doula', visitDate: '2027-07-01', minutes: HOUR })
    )
    assert.equal(refused.code, 'service_period_over')
    assert.equal(refused.values.until, '2027-06-30')
    assert.equal(
      refused.translate(i18nManager.locale('ja')),
      '家事・育児支援（産後ドゥーラ）は2027年6月30日までのご利用です。'
    )
    assert.equal(
      refused.translate(i18nManager.locale('en')),
      'Postpartum doula can be used until June 30, 2027.'
    )
    assert.deepEqual(await hoursLeft(household, '2027-07-01'), { home_helper: 17, doula: 0 })
    assert.isNull(await LedgerVerifier.firstViolation())
  })

  test('the doula sub-cap: 30 h of doula, however many hours are left', async ({ assert }) => {
    const household = await residentWithChildren([{ birthDate: '2026-09-01' }])
    await issue(household)
    for (let offset = 0; offset < 7; offset++) {
      await visit(household, {
        service: 'doula',
        visitDate: day('2026-10-05', offset),
        minutes: 4 * HOUR,
      })
    }
    const refused = await refusalOf(() =>
      visit(household, { service: 'doula', visitDate: '2026-10-20', minutes: 3 * HOUR })
    )
    assert.equal(refused.code, 'sub_cap_reached')
    assert.deepEqual(refused.values.cap, 30 * HOUR)
    assert.deepEqual(refused.values.used, 28 * HOUR)
    assert.equal(
      refused.translate(i18nManager.locale('ja')),
      '家事・育児支援（産後ドゥーラ）の上限に達しています（上限30時間、利用済み28時間）。'
    )
    // What is left of the sub-cap can still be used, and home helper is untouched.
    await visit(household, { service: 'doula', visitDate: '2026-10-20', minutes: 2 * HOUR })
    assert.deepEqual(await hoursLeft(household, '2026-10-21'), { home_helper: 98, doula: 0 })
  })

  test('a rejected or cancelled doula visit gives its sub-cap hours back', async ({ assert }) => {
    const household = await residentWithChildren([{ birthDate: '2026-09-01' }])
    await issue(household)
    const by = await staffOf(household.municipality)
    const id = await visit(household, {
      service: 'doula',
      visitDate: '2026-10-05',
      minutes: 4 * HOUR,
    })
    assert.deepEqual(await hoursLeft(household, '2026-10-06'), { home_helper: 124, doula: 26 })
    await CouponRedemption.cancel(household.municipality.id, id, '訪問なし', by)
    assert.deepEqual(await hoursLeft(household, '2026-10-06'), { home_helper: 128, doula: 30 })
  })

  test('home-helper-only hours are spent before doula-capable hours', async ({ assert }) => {
    // An older child in the third window (home helper only) and a baby in
    // the first (home helper or doula, expiring sooner).
    const household = await residentWithChildren([
      { birthDate: '2024-06-01' },
      { birthDate: '2026-01-10' },
    ])
    const [older] = await issue(household, {
      childId: household.children[0].id,
      issueDate: '2026-06-01',
    })
    const [baby] = await issue(household, {
      childId: household.children[1].id,
      issueDate: '2026-06-01',
    })
    assert.equal(older.windowKey, 'third_year')
    assert.equal(baby.validTo, '2027-01-09')
    await visit(household, { visitDate: '2026-07-01', minutes: 3 * HOUR })
    const balances = await db
      .from('ledger_lots')
      .whereIn('id', [older.lotId, baby.lotId])
      .orderBy('id')
    assert.deepEqual(
      balances.map((lot) => Number(lot.available_minutes) / HOUR),
      [45, 128]
    )
  })

  test('one visit a day: a second is refused until the first is rejected', async ({ assert }) => {
    const household = await residentWithChildren([{ birthDate: '2026-09-01' }])
    await issue(household)
    const by = await staffOf(household.municipality)
    const first = await CouponRedemption.reserve(
      {
        ...program,
        municipalityId: household.municipality.id,
        residentId: household.resident.id,
        service: 'home_helper',
        visitDate: '2026-10-05',
        visitStart: '09:00',
        minutes: HOUR,
        idempotencyKey: nextKey(),
      },
      by
    )
    const refused = await refusalOf(() =>
      visit(household, { visitDate: '2026-10-05', visitStart: '15:00' })
    )
    assert.equal(refused.code, 'daily_visits_reached')
    assert.equal(
      refused.translate(i18nManager.locale('en')),
      'This program allows one visit a day, and this day has no more room.'
    )
    await CouponRedemption.reject(household.municipality.id, first.redemptionId, '都合により', by)
    await visit(household, { visitDate: '2026-10-05', visitStart: '15:00' })
  })

  test('{title}')
    .with([
      {
        title: 'a visit starting before 08:00 is refused',
        start: '07:30',
        hours: 1,
        code: 'outside_hours',
      },
      {
        title: 'a visit ending after 22:00 is refused',
        start: '20:00',
        hours: 3,
        code: 'outside_hours',
      },
      {
        title: 'a visit of 90 minutes is refused',
        start: '10:00',
        hours: 1.5,
        code: 'visit_length_not_allowed',
      },
      {
        title: 'a visit of 5 hours is refused',
        start: '10:00',
        hours: 5,
        code: 'visit_length_not_allowed',
      },
      {
        title: 'a visit without a start time is refused',
        start: '',
        hours: 1,
        code: 'visit_start_required',
      },
    ])
    .run(async ({ assert }, { start, hours, code }) => {
      const household = await residentWithChildren([{ birthDate: '2026-09-01' }])
      await issue(household)
      const refused = await refusalOf(() =>
        visit(household, { visitDate: '2026-10-05', visitStart: start, minutes: hours * HOUR })
      )
      assert.equal(refused.code, code)
      assert.deepEqual(await hoursLeft(household, '2026-10-05'), { home_helper: 128, doula: 30 })
    })

  test('a visit from 21:00 to 22:00 fits the hours', async ({ assert }) => {
    const household = await residentWithChildren([{ birthDate: '2026-09-01' }])
    await issue(household)
    await visit(household, { visitDate: '2026-10-05', visitStart: '21:00', minutes: HOUR })
    assert.deepEqual(await hoursLeft(household, '2026-10-06'), { home_helper: 127, doula: 30 })
  })

  test('a visit before issuance, or on an expired lot, has no valid coupon', async ({ assert }) => {
    const household = await residentWithChildren([{ birthDate: '2025-09-01' }])
    await issue(household, { issueDate: '2026-05-01' })
    assert.equal(
      await refusalCodeOf(() => visit(household, { visitDate: '2026-04-30' })),
      'no_valid_lot'
    )
    // The first window ends 31 August 2026; the daily job expires it after.
    await LedgerEngine.expireLapsed('2026-09-01')
    assert.equal(
      await refusalCodeOf(() => visit(household, { visitDate: '2026-08-31' })),
      'no_valid_lot'
    )
    assert.isNull(await LedgerVerifier.firstViolation())
  })
})

test.group('Postpartum support: coupon definition versions', (group) => {
  group.each.setup(() => testUtils.db().withGlobalTransaction())

  test('switching to the 2021 rules changes new grants only; old lots keep their version', async ({
    assert,
  }) => {
    const before = await residentWithChildren([{ birthDate: '2026-09-01' }])
    const [kept] = await issue(before)
    const by = await staffOf(before.municipality)
    const previous = await CouponDefinitions.switchDefault(
      before.municipality.id,
      program,
      '2021-04',
      by
    )
    assert.equal(previous, '2024-04')

    const after = await residentWithChildren([{ birthDate: '2026-09-01' }])
    const lots = await issue(after)
    assert.deepEqual(
      lots.map((lot) => [lot.definitionVersion, lot.windowKey, lot.minutes / HOUR, lot.validTo]),
      [['2021-04', 'single_birth', 96, '2026-12-29']]
    )
    assert.deepEqual(await hoursLeft(after, '2026-10-05'), { home_helper: 96, doula: 15 })

    const keptRow = await db.from('ledger_lots').where('id', kept.lotId).firstOrFail()
    assert.equal(keptRow.definition_version, '2024-04')
    assert.deepEqual(await hoursLeft(before, '2026-10-05'), { home_helper: 128, doula: 30 })

    const audit = await db
      .from('audit_events')
      .where('action', 'coupon_definition.default_switched')
      .orderBy('id', 'desc')
      .firstOrFail()
    const details = typeof audit.details === 'string' ? JSON.parse(audit.details) : audit.details
    assert.include(details, { from: '2024-04', to: '2021-04' })
  })

  test('under the 2021 rules twins share one 200 h grant per birth', async ({ assert }) => {
    const household = await residentWithChildren([
      { birthDate: '2026-09-01', multipleBirth: true },
      { birthDate: '2026-09-01', multipleBirth: true },
    ])
    await CouponDefinitions.switchDefault(
      household.municipality.id,
      program,
      '2021-04',
      await staffOf(household.municipality)
    )
    const [lot] = await issue(household, { childId: household.children[1].id })
    assert.equal(lot.windowKey, 'multiple_birth')
    assert.equal(lot.minutes, 200 * HOUR)
    const refused = await refusalOf(() => issue(household, { childId: household.children[0].id }))
    assert.equal(refused.code, 'cap_exceeded')
    const refusedWindow = await refusalOf(() =>
      issue(household, { windowKey: 'single_birth', minutes: 96 * HOUR })
    )
    assert.equal(refusedWindow.code, 'window_not_for_birth')
  })

  test('an unknown version cannot be made the default', async ({ assert }) => {
    const household = await residentWithChildren([])
    const refused = await refusalOf(() =>
      CouponDefinitions.switchDefault(
        household.municipality.id,
        program,
        '1999-04',
        staffOfSync(household)
      )
    )
    assert.equal(refused.code, 'unknown_definition')
    assert.equal(
      await CouponDefinitions.defaultVersion(household.municipality.id, program),
      '2024-04'
    )
  })
})

function staffOfSync(household: Household) {
  return {
    actorUserId: null,
    actorRole: 'municipal_admin',
    source: { channel: 'web' as const },
    destination: `municipality ${household.municipality.id}`,
  }
}

test.group('Postpartum support: tenancy', (group) => {
  group.each.setup(() => testUtils.db().withGlobalTransaction())

  test('another municipality cannot issue to, approve for or cancel a Minato resident', async ({
    assert,
  }) => {
    const household = await residentWithChildren([{ birthDate: '2026-09-01' }])
    await issue(household)
    const { municipality: shinjuku } = await createSecondTenant()
    await db.table('municipality_plugins').insert({
      municipality_id: shinjuku.id,
      plugin_id: 'postpartum_support',
      created_at: new Date(),
    })
    const refused = await refusalOf(() => issue(household, { municipalityId: shinjuku.id }))
    assert.equal(refused.code, 'resident_not_found')

    const by = await staffOf(household.municipality)
    const { redemptionId } = await CouponRedemption.reserve(
      {
        ...program,
        municipalityId: household.municipality.id,
        residentId: household.resident.id,
        service: 'home_helper',
        visitDate: '2026-10-05',
        visitStart: '10:00',
        minutes: HOUR,
        idempotencyKey: nextKey(),
      },
      by
    )
    assert.isFalse(await CouponRedemption.approve(shinjuku.id, redemptionId, by))
    const row = await db.from('ledger_redemptions').where('id', redemptionId).firstOrFail()
    assert.equal(row.status, 'reserved')
  })

  test('a municipality that has not enabled the program cannot issue it', async ({ assert }) => {
    const { municipality: shinjuku } = await createSecondTenant()
    const household = await residentWithChildren([{ birthDate: '2026-09-01' }], shinjuku)
    const refused = await refusalOf(() => issue(household))
    assert.equal(refused.code, 'program_not_enabled')
    assert.equal(
      refused.translate(i18nManager.locale('ja')),
      'この自治体ではこの制度を利用していません。'
    )
    const lots = await db.from('ledger_lots').where('municipality_id', shinjuku.id)
    assert.lengthOf(lots, 0)
    assert.instanceOf(shinjuku, Municipality)
  })
})

test.group('Postpartum support: ledger:verify checks the program caps', (group) => {
  group.each.setup(() => testUtils.db().withGlobalTransaction())

  test('a lot slipped into a full window past the engine is named', async ({ assert }) => {
    const household = await residentWithChildren([{ birthDate: '2026-09-01' }])
    const [first] = await issue(household)
    const intact = await ace.exec('ledger:verify', [])
    assert.equal(intact.exitCode, 0)
    const row = await db.from('ledger_lots').where('id', first.lotId).firstOrFail()
    const copy = { ...row }
    delete copy.id
    const [inserted] = await db.table('ledger_lots').insert(copy).returning('id')
    const lotId = Number(typeof inserted === 'object' ? inserted.id : inserted)
    await db.table('ledger_entries').insert({
      municipality_id: row.municipality_id,
      resident_id: row.resident_id,
      lot_id: lotId,
      kind: 'grant',
      minutes: row.granted_minutes,
      delta_available: row.granted_minutes,
      created_at: new Date(),
    })
    assert.deepEqual(await LedgerVerifier.firstViolation(), {
      subject: `resident ${household.resident.id} window until_first_birthday`,
      message: 'granted 15360 minutes above the cap 7680',
    })
    const broken = await ace.exec('ledger:verify', [])
    assert.equal(broken.exitCode, 1)
  })

  test('doula hours beyond the sub-cap are named', async ({ assert }) => {
    const household = await residentWithChildren([{ birthDate: '2026-09-01' }])
    await issue(household)
    for (let offset = 0; offset < 7; offset++) {
      await visit(household, {
        service: 'doula',
        visitDate: day('2026-10-05', offset),
        minutes: 4 * HOUR,
      })
    }
    const helperVisit = await visit(household, { visitDate: '2026-10-20', minutes: 4 * HOUR })
    assert.isNull(await LedgerVerifier.firstViolation())
    await db.from('ledger_redemptions').where('id', helperVisit).update({ service: 'doula' })
    assert.deepEqual(await LedgerVerifier.firstViolation(), {
      subject: `resident ${household.resident.id} window until_first_birthday`,
      message: 'doula used 1920 minutes above the sub-cap 1800',
    })
  })
})
