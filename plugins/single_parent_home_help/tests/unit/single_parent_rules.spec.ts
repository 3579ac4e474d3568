import { test } from '@japa/runner'
import testUtils from '@adonisjs/core/services/test_utils'
import db from '@adonisjs/lucid/services/db'
import i18nManager from '@adonisjs/i18n/services/main'
import CouponIssuance, { type IssueInput } from '#ledger/coupon_issuance'
import type { RedeemInput } from '#ledger/coupon_redemption'
import Copayment from '#ledger/copayment'
import ProgramCatalog from '#ledger/program_catalog'
import LedgerVerifier from '#ledger/ledger_verifier'
import {
  HOUR,
  refusalCodeOf,
  refusalOf,
  residentWithChildren,
  staffOf,
  approvedVisit,
  hoursLeftByService,
  type Household,
} from '#tests/helpers/programs'

const program = { pluginId: 'single_parent_home_help', programCode: 'home_help' }

/** A parent with a child in 3rd grade in FY2026 */
function parent() {
  return residentWithChildren([{ birthDate: '2018-06-15' }])
}

async function register(household: Household, overrides: Partial<IssueInput> = {}) {
  return CouponIssuance.issue(
    {
      ...program,
      municipalityId: household.municipality.id,
      residentId: household.resident.id,
      minutes: 36 * HOUR,
      copaymentTier: 'III',
      issueDate: '2026-11-21',
      ...overrides,
    },
    await staffOf(household.municipality)
  )
}

function visit(household: Household, overrides: Partial<RedeemInput> = {}) {
  return approvedVisit(program, household, {
    service: 'housework',
    visitDate: '2026-12-01',
    visitStart: '10:00',
    minutes: HOUR,
    ...overrides,
  })
}

function hoursLeft(household: Household, onDate: string) {
  return hoursLeftByService(program, household, onDate)
}

test.group('Single-parent home help: registration', (group) => {
  group.each.setup(() => testUtils.db().withGlobalTransaction())

  test('staff grant 36 tickets; the registration runs to 31 March', async ({ assert }) => {
    const household = await parent()
    const [lot] = await register(household)
    assert.deepEqual(
      [lot.minutes / HOUR, lot.validFrom, lot.validTo, lot.definitionVersion],
      [36, '2026-11-21', '2027-03-31', '2025-04']
    )
    const row = await db.from('ledger_lots').where('id', lot.lotId).firstOrFail()
    assert.equal(row.copayment_tier, 'III')
    assert.deepEqual(JSON.parse(row.services), ['housework', 'childcare'])
    assert.deepEqual(await hoursLeft(household, '2026-12-01'), { housework: 36, childcare: 36 })
  })

  test('{title}')
    .with([
      { title: '24 tickets is the least', hours: 24, code: null },
      { title: '48 tickets is the most', hours: 48, code: null },
      { title: '23 tickets is refused', hours: 23, code: 'below_minimum' },
      { title: '49 tickets is refused', hours: 49, code: 'cap_exceeded' },
      { title: 'part of a ticket is refused', hours: 24.5, code: 'not_whole_units' },
    ])
    .run(async ({ assert }, { hours, code }) => {
      const household = await parent()
      if (code === null) {
        const [lot] = await register(household, { minutes: hours * HOUR })
        assert.equal(lot.minutes, hours * HOUR)
        return
      }
      assert.equal(await refusalCodeOf(() => register(household, { minutes: hours * HOUR })), code)
      const lots = await db.from('ledger_lots').where('resident_id', household.resident.id)
      assert.lengthOf(lots, 0)
    })

  test('the refusal below the range says the range in the reader’s language', async ({
    assert,
  }) => {
    const household = await parent()
    const refused = await refusalOf(() => register(household, { minutes: 20 * HOUR }))
    assert.equal(
      refused.translate(i18nManager.locale('ja')),
      '発行する時間は24時間から48時間の範囲で指定してください。'
    )
    assert.equal(refused.translate(i18nManager.locale('en')), 'Grant between 24 and 48 hours.')
  })

  test('a second grant in the same year may only fill up to 48', async ({ assert }) => {
    const household = await parent()
    await register(household, { minutes: 24 * HOUR })
    await register(household, { minutes: 24 * HOUR, issueDate: '2027-01-10' })
    const refused = await refusalOf(() =>
      register(household, { minutes: 24 * HOUR, issueDate: '2027-02-01' })
    )
    assert.equal(refused.code, 'cap_exceeded')
    assert.deepEqual(refused.values, { cap: 48 * HOUR, already: 48 * HOUR, requested: 24 * HOUR })
  })

  test('next fiscal year is a new registration, and last year’s tickets end on 31 March', async ({
    assert,
  }) => {
    const household = await parent()
    await register(household, { minutes: 48 * HOUR, issueDate: '2027-03-15' })
    const [renewed] = await register(household, { minutes: 48 * HOUR, issueDate: '2027-04-01' })
    assert.equal(renewed.validTo, '2028-03-31')
    assert.deepEqual(await hoursLeft(household, '2027-03-31'), { housework: 48, childcare: 48 })
    await visit(household, { visitDate: '2027-03-31' })
    await visit(household, { visitDate: '2027-04-01' })
    const lots = await db
      .from('ledger_lots')
      .where('resident_id', household.resident.id)
      .orderBy('id')
    assert.deepEqual(
      lots.map((lot) => Number(lot.available_minutes) / HOUR),
      [47, 47]
    )
  })

  test('the co-payment tier is required and must be one of I–VII', async ({ assert }) => {
    const household = await parent()
    assert.equal(
      await refusalCodeOf(() => register(household, { copaymentTier: null })),
      'copayment_tier_required'
    )
    assert.equal(
      await refusalCodeOf(() => register(household, { copaymentTier: 'VIII' })),
      'unknown_copayment_tier'
    )
  })

  test('{title}')
    .with([
      { title: 'a child in 6th grade qualifies', birthDate: '2014-04-02', code: null },
      {
        title: 'a child born on 1 April finishes 6th grade a year earlier',
        birthDate: '2014-04-01',
        code: 'child_too_old',
      },
      {
        title: 'a child in junior high does not qualify',
        birthDate: '2013-09-01',
        code: 'child_too_old',
      },
      { title: 'a baby qualifies', birthDate: '2026-05-01', code: null },
    ])
    .run(async ({ assert }, { birthDate, code }) => {
      const household = await residentWithChildren([{ birthDate }])
      if (code === null) {
        const lots = await register(household)
        assert.lengthOf(lots, 1)
      } else {
        assert.equal(await refusalCodeOf(() => register(household)), code)
      }
    })

  test('a household with no child on record is refused', async ({ assert }) => {
    const household = await residentWithChildren([])
    const refused = await refusalOf(() => register(household))
    assert.equal(refused.code, 'child_required')
  })
})

test.group('Single-parent home help: visits', (group) => {
  group.each.setup(() => testUtils.db().withGlobalTransaction())

  test('housework up to 2 hours a day, childcare up to 4, both on one day', async ({ assert }) => {
    const household = await parent()
    await register(household)
    await visit(household, { service: 'housework', minutes: 2 * HOUR })
    const refused = await refusalOf(() =>
      visit(household, { service: 'housework', visitStart: '15:00', minutes: HOUR })
    )
    assert.equal(refused.code, 'daily_minutes_exceeded')
    assert.equal(
      refused.translate(i18nManager.locale('ja')),
      '家事援助は1日2時間までです（この日はすでに2時間）。'
    )
    await visit(household, { service: 'childcare', visitStart: '13:00', minutes: 4 * HOUR })
    assert.deepEqual(await hoursLeft(household, '2026-12-01'), { housework: 30, childcare: 30 })
    assert.isNull(await LedgerVerifier.firstViolation())
  })

  test('childcare of 3 hours then 2 on one day goes over 4', async ({ assert }) => {
    const household = await parent()
    await register(household)
    await visit(household, { service: 'childcare', minutes: 3 * HOUR })
    const refused = await refusalOf(() =>
      visit(household, { service: 'childcare', visitStart: '16:00', minutes: 2 * HOUR })
    )
    assert.equal(refused.code, 'daily_minutes_exceeded')
    assert.deepEqual(refused.values.used, 3 * HOUR)
  })

  test('{title}')
    .with([
      { title: 'a visit at 06:00 is refused', start: '06:00', code: 'outside_hours' },
      { title: 'a visit at 07:00 fits', start: '07:00', code: null },
      { title: 'a visit from 21:00 fits until 22:00', start: '21:00', code: null },
      { title: 'a visit at 21:30 runs past 22:00', start: '21:30', code: 'outside_hours' },
    ])
    .run(async ({ assert }, { start, code }) => {
      const household = await parent()
      await register(household)
      if (code === null) {
        await visit(household, { visitStart: start })
        assert.deepEqual(await hoursLeft(household, '2026-12-01'), { housework: 35, childcare: 35 })
      } else {
        const refused = await refusalOf(() => visit(household, { visitStart: start }))
        assert.equal(refused.code, code)
        assert.equal(
          refused.translate(i18nManager.locale('ja')),
          '利用できる時間帯は07:00から22:00までです。'
        )
      }
    })

  test('the co-payment of each tier I–VII for a 3-hour visit', async ({ assert }) => {
    const { program: manifest } = await ProgramCatalog.find(program)
    const yen = ['I', 'II', 'III', 'IV', 'V', 'VI', 'VII'].map((tier) =>
      Copayment.yenFor(manifest, tier, 3 * HOUR)
    )
    assert.deepEqual(yen, [0, 300, 750, 1530, 2310, 3090, 3870])
    const postpartum = await ProgramCatalog.find({
      pluginId: 'postpartum_support',
      programCode: 'postpartum',
    })
    assert.isNull(Copayment.yenFor(postpartum.program, 'I', 3 * HOUR))
  })
})
