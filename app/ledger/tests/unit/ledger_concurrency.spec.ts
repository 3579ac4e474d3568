import { test } from '@japa/runner'
import db from '@adonisjs/lucid/services/db'
import LedgerEngine from '#ledger/ledger_engine'
import LedgerRefusal from '#ledger/ledger_refusal'
import LedgerVerifier from '#ledger/ledger_verifier'
import LedgerRollupRefresh from '#ledger/ledger_rollup_refresh'
import { ALL_FACILITIES } from '#ledger/ledger_rollups'
import Resident from '#residents/resident'
import ProgramCatalog from '#ledger/program_catalog'
import ProgramSpendPolicy from '#ledger/program_spend_policy'
import CouponIssuance from '#ledger/coupon_issuance'
import VisitTokens from '#visits/visit_tokens'
import CouponRedemption from '#ledger/coupon_redemption'
import AuditVerifier from '#audit/audit_verifier'
import { chainKeyFor } from '#audit/audit_event_input'
import { lastAuditEventId } from '#tests/helpers/staff_console'
import { residentWithChildren, staffOf } from '#tests/helpers/programs'
import { forgetResident } from '#tests/helpers/ledger_residents'

const PROGRAM = 'concurrency_probe'

/**
 * Watches PostgreSQL for transactions waiting on a lock while `work` runs:
 * proof that the requests really contended rather than ran one by one.
 */
async function observeLockWaits(work: () => Promise<unknown>) {
  if (db.connection().dialect.name !== 'postgres') {
    await work()
    return null
  }
  let waits = 0
  let running = true
  const probe = (async () => {
    while (running) {
      const row = await db
        .rawQuery('SELECT count(*) AS waiting FROM pg_locks WHERE NOT granted')
        .then((result) => result.rows[0])
      waits = Math.max(waits, Number(row.waiting))
      await new Promise((resolve) => setTimeout(resolve, 1))
    }
  })()
  try {
    await work()
  } finally {
    running = false
    await probe
  }
  return waits
}

/**
 * Ten hours for Yui in a program of its own, cleaned up after each test.
 */
async function tenHourLot() {
  return lotFor({ services: ['home_helper'], minutes: 600 })
}

async function lotFor(lot: { services: string[]; minutes: number; windowKey?: string }) {
  const resident = await Resident.findByOrFail('residentNumber', 'MN-000102')
  const common = {
    municipalityId: resident.municipalityId,
    residentId: resident.id,
    pluginId: 'probe',
    programCode: PROGRAM,
  }
  const lotId = await LedgerEngine.grant({
    ...common,
    definitionVersion: lot.windowKey ? '2024-04' : 'v1',
    windowKey: lot.windowKey,
    services: lot.services,
    validFrom: '2026-01-01',
    validTo: '2026-12-31',
    minutes: lot.minutes,
  })
  return { common, lotId }
}

/**
 * Fires the requests at once and tallies the outcomes by refusal code.
 */
async function fireAtOnce(requests: (() => Promise<unknown>)[]) {
  const outcomes: Record<string, number> = {}
  const lockWaits = await observeLockWaits(() =>
    Promise.all(
      requests.map(async (request) => {
        let outcome = 'reserved'
        try {
          await request()
        } catch (error) {
          if (!(error instanceof LedgerRefusal)) throw error
          outcome = error.code
        }
        outcomes[outcome] = (outcomes[outcome] ?? 0) + 1
      })
    )
  )
  return { outcomes, lockWaits }
}

/** The postpartum program's rules (sub-caps, one visit a day) */
async function postpartumPolicy() {
  const { program } = await ProgramCatalog.find({
    pluginId: 'postpartum_support',
    programCode: 'postpartum',
  })
  return { policy: new ProgramSpendPolicy(program), priority: program.deductionPriority }
}

test.group('Ledger under concurrency', (group) => {
  group.each.teardown(async () => {
    const entries = db
      .from('ledger_entries')
      .whereIn('lot_id', db.from('ledger_lots').where('program_code', PROGRAM).select('id'))
    await entries.delete()
    await db.from('ledger_redemptions').where('program_code', PROGRAM).delete()
    await db.from('ledger_lots').where('program_code', PROGRAM).delete()
  })

  test('50 simultaneous one-hour redemptions against 10 hours: exactly 10 succeed', async ({
    assert,
  }) => {
    const { common, lotId } = await tenHourLot()

    let inFlight = 0
    let maxInFlight = 0
    const outcomes: string[] = []
    const lockWaits = await observeLockWaits(() =>
      Promise.all(
        Array.from({ length: 50 }, async (_, index) => {
          inFlight++
          maxInFlight = Math.max(maxInFlight, inFlight)
          try {
            await LedgerEngine.reserve({
              ...common,
              service: 'home_helper',
              visitDate: '2026-06-01',
              minutes: 60,
              idempotencyKey: `concurrent-${index}`,
              deductionPriority: ['home_helper'],
            })
            outcomes.push('reserved')
          } catch (error) {
            if (!(error instanceof LedgerRefusal)) throw error
            outcomes.push(error.code)
          } finally {
            inFlight--
          }
        })
      )
    )

    assert.equal(outcomes.filter((outcome) => outcome === 'reserved').length, 10)
    assert.equal(outcomes.filter((outcome) => outcome === 'not_enough_minutes').length, 40)
    const lot = await db.from('ledger_lots').where('id', lotId).firstOrFail()
    assert.equal(Number(lot.available_minutes), 0)
    assert.isNull(await LedgerVerifier.firstViolation())
    assert.isAbove(maxInFlight, 1, 'the requests did not overlap')
    if (lockWaits !== null) assert.isAbove(lockWaits, 0, 'no transaction ever waited on a lock')
  }).timeout(60_000)

  test('the same idempotency key sent twice at once reserves once', async ({ assert }) => {
    const { common, lotId } = await tenHourLot()
    const request = {
      ...common,
      service: 'home_helper',
      visitDate: '2026-06-01',
      minutes: 60,
      idempotencyKey: 'double-tap',
      deductionPriority: ['home_helper'],
    }
    const results = await Promise.all(
      Array.from({ length: 5 }, () => LedgerEngine.reserve(request))
    )
    assert.lengthOf(new Set(results.map((result) => result.redemptionId)), 1)
    const lot = await db.from('ledger_lots').where('id', lotId).firstOrFail()
    assert.equal(Number(lot.available_minutes), 540)
  })

  test('50 simultaneous doula hours against a 30-hour doula sub-cap: exactly 30 succeed', async ({
    assert,
  }) => {
    const { common, lotId } = await lotFor({
      services: ['home_helper', 'doula'],
      minutes: 128 * 60,
      windowKey: 'until_first_birthday',
    })
    const { policy, priority } = await postpartumPolicy()
    const day = (index: number) => new Date(Date.UTC(2026, 2, 1 + index)).toISOString().slice(0, 10)
    const { outcomes, lockWaits } = await fireAtOnce(
      Array.from(
        { length: 50 },
        (_, index) => () =>
          LedgerEngine.reserve({
            ...common,
            service: 'doula',
            visitDate: day(index),
            visitStart: '10:00',
            minutes: 60,
            idempotencyKey: `doula-${index}`,
            deductionPriority: priority,
            policy,
          })
      )
    )
    assert.deepEqual(outcomes, { reserved: 30, sub_cap_reached: 20 })
    const lot = await db.from('ledger_lots').where('id', lotId).firstOrFail()
    assert.equal(Number(lot.available_minutes), 98 * 60)
    assert.isNull(await LedgerVerifier.firstViolation())
    if (lockWaits !== null) assert.isAbove(lockWaits, 0, 'no transaction ever waited on a lock')
  }).timeout(60_000)

  test('ten simultaneous visits on one day under a one-visit-a-day rule: exactly one succeeds', async ({
    assert,
  }) => {
    const { common } = await lotFor({ services: ['home_helper', 'doula'], minutes: 128 * 60 })
    const { policy, priority } = await postpartumPolicy()
    const { outcomes } = await fireAtOnce(
      Array.from(
        { length: 10 },
        (_, index) => () =>
          LedgerEngine.reserve({
            ...common,
            service: 'home_helper',
            visitDate: '2026-06-01',
            visitStart: '10:00',
            minutes: 60,
            idempotencyKey: `same-day-${index}`,
            deductionPriority: priority,
            policy,
          })
      )
    )
    assert.deepEqual(outcomes, { reserved: 1, daily_visits_reached: 9 })
    assert.isNull(await LedgerVerifier.firstViolation())
  }).timeout(60_000)

  test('one visit QR scanned ten times at once reserves once', async ({ assert, cleanup }) => {
    const household = await residentWithChildren([{ birthDate: '2026-09-01' }])
    cleanup(() => forgetResident(household.resident.id))
    const program = { pluginId: 'postpartum_support', programCode: 'postpartum' }
    const by = await staffOf(household.municipality)
    await CouponIssuance.issue(
      {
        ...program,
        municipalityId: household.municipality.id,
        residentId: household.resident.id,
        childId: household.children[0].id,
        issueDate: '2026-10-01',
      },
      by
    )
    const { token } = await VisitTokens.issue(
      {
        ...program,
        municipalityId: household.municipality.id,
        providerId: null,
        service: 'home_helper',
        visitDate: '2026-10-05',
        visitStart: '10:00',
        minutes: 120,
      },
      null
    )
    const { outcomes } = await fireAtOnce(
      Array.from(
        { length: 10 },
        () => () =>
          VisitTokens.redeem(household.municipality.id, household.resident.id, { token }, by)
      )
    )
    assert.deepEqual(outcomes, { reserved: 1, visit_token_used: 9 })
    const reserved = await db.from('ledger_redemptions').where('resident_id', household.resident.id)
    assert.lengthOf(reserved, 1)
    assert.isNull(await LedgerVerifier.firstViolation())
  }).timeout(60_000)

  test('30 visits reserved and approved at once through the program against 10 hours: exactly 10, each audited on one valid chain', async ({
    assert,
    cleanup,
  }) => {
    const household = await residentWithChildren([{ birthDate: '2026-03-01' }])
    cleanup(() => forgetResident(household.resident.id))
    const owner = {
      pluginId: 'postpartum_support',
      programCode: 'postpartum',
      municipalityId: household.municipality.id,
      residentId: household.resident.id,
    }
    const lotId = await LedgerEngine.grant({
      ...owner,
      definitionVersion: '2024-04',
      services: ['home_helper', 'doula'],
      validFrom: '2026-01-01',
      validTo: '2026-12-31',
      minutes: 600,
    })
    const by = await staffOf(household.municipality)
    const before = await lastAuditEventId()
    // One visit a day: each request its own day.
    const day = (index: number) => new Date(Date.UTC(2026, 2, 1 + index)).toISOString().slice(0, 10)
    const { outcomes, lockWaits } = await fireAtOnce(
      Array.from({ length: 30 }, (_, index) => async () => {
        const { redemptionId } = await CouponRedemption.reserve(
          {
            ...owner,
            service: 'home_helper',
            visitDate: day(index),
            visitStart: '10:00',
            minutes: 60,
            idempotencyKey: `approved-${index}`,
          },
          by
        )
        assert.isTrue(await CouponRedemption.approve(owner.municipalityId, redemptionId, by))
      })
    )

    assert.deepEqual(outcomes, { reserved: 10, not_enough_minutes: 20 })
    const lot = await db.from('ledger_lots').where('id', lotId).firstOrFail()
    assert.equal(Number(lot.available_minutes), 0)
    const posted = await db
      .from('ledger_redemptions')
      .where({ resident_id: household.resident.id, status: 'posted' })
    assert.lengthOf(posted, 10)
    const audited = await db
      .from('audit_events')
      .where({
        chain_key: chainKeyFor(owner.municipalityId),
        subject_resident_id: owner.residentId,
      })
      .where('id', '>', before)
    assert.deepEqual(
      [
        audited.filter((event) => event.action === 'redemption.reserved').length,
        audited.filter((event) => event.action === 'redemption.approved').length,
      ],
      [10, 10]
    )
    const { firstBreak } = await AuditVerifier.verifyChain(chainKeyFor(owner.municipalityId))
    assert.isNull(firstBreak)
    assert.isNull(await LedgerVerifier.firstViolation())
    if (lockWaits !== null) assert.isAbove(lockWaits, 0, 'no transaction ever waited on a lock')
  }).timeout(60_000)

  test('month rollups refreshed while 20 visits are reserved and approved at once: every change folded once', async ({
    assert,
  }) => {
    const { common } = await lotFor({ services: ['home_helper'], minutes: 40 * 60 })
    const postings = Array.from({ length: 20 }, async (_, index) => {
      const { redemptionId } = await LedgerEngine.reserve({
        ...common,
        service: 'home_helper',
        visitDate: '2026-06-01',
        minutes: 60,
        idempotencyKey: `rollup-race-${index}`,
        deductionPriority: ['home_helper'],
      })
      await LedgerRollupRefresh.run()
      await LedgerEngine.post(redemptionId, null)
    })
    const refreshes = Array.from({ length: 10 }, () => LedgerRollupRefresh.run())
    await Promise.all([...postings, ...refreshes])

    const used = async () => {
      await LedgerRollupRefresh.run(common.municipalityId)
      return db
        .from('ledger_month_totals')
        .where({
          municipality_id: common.municipalityId,
          kind: 'used',
          plugin_id: common.pluginId,
          program_code: PROGRAM,
          month: '2026-06',
          facility_id: ALL_FACILITIES,
        })
        .first()
    }
    const total = await used()
    assert.deepEqual(
      {
        residents: Number(total.residents),
        items: Number(total.items),
        minutes: Number(total.minutes),
      },
      { residents: 1, items: 20, minutes: 20 * 60 }
    )
    // Every rollup equals the ledger aggregated from scratch
    assert.isNull(await LedgerVerifier.firstViolation())
  }).timeout(60_000)
})
