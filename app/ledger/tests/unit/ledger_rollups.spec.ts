import { test } from '@japa/runner'
import testUtils from '@adonisjs/core/services/test_utils'
import db from '@adonisjs/lucid/services/db'
import { DateTime } from 'luxon'
import type { TransactionClientContract } from '@adonisjs/lucid/types/database'
import LedgerEngine, { type GrantInput, type ReserveInput } from '#ledger/ledger_engine'
import LedgerVerifier from '#ledger/ledger_verifier'
import {
  ALL_FACILITIES,
  ALL_PROGRAMS,
  ROLLUP_CHANGES_TABLE,
  ROLLUP_TABLES,
  differenceQueries,
} from '#ledger/ledger_rollups'
import LedgerRollupRefresh from '#ledger/ledger_rollup_refresh'
import LedgerRollupRefreshJob from '#ledger/ledger_rollup_refresh_job'
import Resident from '#residents/resident'
import { createSecondTenant } from '#tests/helpers/tenants'
import { newResident } from '#tests/helpers/ledger_residents'

const HOUR = 60
const VISIT_MONTH = '2026-06'
let keyCounter = 0

async function resident(number = 'MN-000101') {
  return Resident.findByOrFail('residentNumber', number)
}

async function grant(
  who: Resident,
  overrides: Partial<GrantInput> = {},
  trx?: TransactionClientContract
) {
  return LedgerEngine.grant(
    {
      municipalityId: who.municipalityId,
      residentId: who.id,
      pluginId: 'postpartum_support',
      programCode: 'postpartum',
      definitionVersion: '2024-04',
      services: ['home_helper', 'doula'],
      validFrom: '2026-01-01',
      validTo: '2026-12-31',
      minutes: 10 * HOUR,
      ...overrides,
    },
    trx
  )
}

async function reserve(who: Resident, overrides: Partial<ReserveInput> = {}) {
  const { redemptionId } = await LedgerEngine.reserve({
    municipalityId: who.municipalityId,
    residentId: who.id,
    pluginId: 'postpartum_support',
    programCode: 'postpartum',
    service: 'home_helper',
    visitDate: `${VISIT_MONTH}-01`,
    minutes: 2 * HOUR,
    idempotencyKey: `rollup-${++keyCounter}`,
    deductionPriority: ['home_helper', 'doula'],
    ...overrides,
  })
  return redemptionId
}

/** A month total of the municipality: this program (or every one), every facility */
async function total(
  municipalityId: number,
  kind: 'granted' | 'used',
  month: string,
  program = 'postpartum'
) {
  await LedgerRollupRefresh.run(municipalityId)
  const row = await db
    .from('ledger_month_totals')
    .where({
      municipality_id: municipalityId,
      kind,
      month,
      plugin_id: program === ALL_PROGRAMS ? ALL_PROGRAMS : 'postpartum_support',
      program_code: program,
      facility_id: ALL_FACILITIES,
    })
    .first()
  return row
    ? { residents: Number(row.residents), items: Number(row.items), minutes: Number(row.minutes) }
    : null
}

async function usage(municipalityId: number, status: string) {
  await LedgerRollupRefresh.run(municipalityId)
  const row = await db
    .from('ledger_usage_totals')
    .where({ municipality_id: municipalityId, month: VISIT_MONTH, status })
    .sum('visits as visits')
    .sum('minutes as minutes')
    .first()
  return { visits: Number(row?.visits ?? 0), minutes: Number(row?.minutes ?? 0) }
}

/** The months the change log holds for a municipality */
async function marked(municipalityId: number) {
  const rows = await db
    .from(ROLLUP_CHANGES_TABLE)
    .where('municipality_id', municipalityId)
    .distinct('month')
    .orderBy('month')
  return rows.map((row) => row.month)
}

/** Every rollup equals the ledger aggregated from scratch */
async function assertExact(assert: { deepEqual(a: unknown, b: unknown): void }) {
  await LedgerRollupRefresh.run()
  const differences = []
  for (const { table, sql } of differenceQueries(db.connection().dialect.name)) {
    const result = await db.rawQuery(sql)
    const [row] = Array.isArray(result) ? result : result.rows
    differences.push([table, Number(row.differences)])
  }
  assert.deepEqual(
    differences,
    ROLLUP_TABLES.map((table) => [table, 0])
  )
}

const thisMonth = () => DateTime.now().setZone('Asia/Tokyo').toFormat('yyyy-MM')

test.group('Ledger month rollups', (group) => {
  group.each.setup(() => testUtils.db().withGlobalTransaction())

  test('follow issuance, approval, correction, cancellation (利用取消), expiry and revocation', async ({
    assert,
  }) => {
    const hanako = await resident()
    const yui = await resident('MN-000102')
    const m = hanako.municipalityId
    const before = {
      granted: await total(m, 'granted', thisMonth()),
      every: await total(m, 'granted', thisMonth(), ALL_PROGRAMS),
      used: await total(m, 'used', VISIT_MONTH),
    }
    const plus = (
      figures: typeof before.granted,
      more: { residents: number; items: number; minutes: number }
    ) => ({
      residents: (figures?.residents ?? 0) + more.residents,
      items: (figures?.items ?? 0) + more.items,
      minutes: (figures?.minutes ?? 0) + more.minutes,
    })
    const hanakoWasGranted =
      (await db
        .from('ledger_lots')
        .where({ resident_id: hanako.id, plugin_id: 'postpartum_support' })
        .whereNot('status', 'revoked')
        .where('created_at', '>=', DateTime.now().setZone('Asia/Tokyo').startOf('month').toJSDate())
        .first()) !== null

    // Issuance: two lots for Hanako count her once
    const lot = await grant(hanako)
    await grant(hanako, { minutes: 5 * HOUR })
    assert.deepEqual(
      await total(m, 'granted', thisMonth()),
      plus(before.granted, { residents: hanakoWasGranted ? 0 : 1, items: 2, minutes: 15 * HOUR })
    )
    await assertExact(assert)

    // A reservation is not usage yet; its approval is
    const first = await reserve(hanako)
    assert.deepEqual(await total(m, 'used', VISIT_MONTH), before.used)
    await LedgerEngine.post(first, null)
    const usedOnce = plus(before.used, { residents: 1, items: 1, minutes: 2 * HOUR })
    assert.deepEqual(await total(m, 'used', VISIT_MONTH), usedOnce)
    await assertExact(assert)

    // A correction releases the reservation and reserves the new minutes
    const second = await reserve(hanako, { visitDate: `${VISIT_MONTH}-02` })
    const reservedBefore = await usage(m, 'reserved')
    await LedgerEngine.release(second, null, 'corrected')
    const replacement = await reserve(hanako, { visitDate: `${VISIT_MONTH}-02`, minutes: 3 * HOUR })
    await db
      .from('ledger_redemptions')
      .where('id', second)
      .update({ replaced_by_redemption_id: replacement })
    assert.deepEqual(await usage(m, 'reserved'), {
      visits: reservedBefore.visits,
      minutes: reservedBefore.minutes + HOUR,
    })
    await LedgerEngine.post(replacement, null)
    assert.deepEqual(
      await total(m, 'used', VISIT_MONTH),
      plus(usedOnce, { residents: 0, items: 1, minutes: 3 * HOUR })
    )
    await assertExact(assert)

    // 利用取消: the cancelled visit leaves the usage; Hanako stays active with her other one
    await LedgerEngine.cancel(first, null, 'entered twice')
    assert.deepEqual(
      await total(m, 'used', VISIT_MONTH),
      plus(before.used, { residents: 1, items: 1, minutes: 3 * HOUR })
    )
    await LedgerEngine.cancel(replacement, null, 'no visit')
    assert.deepEqual(await total(m, 'used', VISIT_MONTH), before.used)
    await assertExact(assert)

    // Expiry keeps a lot in the month it was granted; revocation takes it out
    const yuiLot = await grant(yui, { validTo: '2026-01-31' })
    await LedgerEngine.expireLapsed('2026-02-01')
    const expired = await db.from('ledger_lots').where('id', yuiLot).first()
    assert.equal(expired.status, 'expired')
    assert.deepEqual(
      await total(m, 'granted', thisMonth(), ALL_PROGRAMS),
      plus(before.every, {
        residents: (hanakoWasGranted ? 0 : 1) + 1,
        items: 3,
        minutes: 25 * HOUR,
      })
    )
    await LedgerEngine.revoke(m, lot, 'issued by mistake', null)
    assert.deepEqual(
      await total(m, 'granted', thisMonth()),
      plus(before.granted, {
        residents: (hanakoWasGranted ? 0 : 1) + 1,
        items: 2,
        minutes: 15 * HOUR,
      })
    )
    await assertExact(assert)
    assert.isNull(await LedgerVerifier.firstViolation())
  })

  test('a rolled-back transaction leaves the rollups unchanged', async ({ assert }) => {
    const hanako = await resident()
    const lot = await grant(hanako)
    const reservation = await reserve(hanako)
    await LedgerRollupRefresh.run()
    const snapshot = async () =>
      Promise.all(ROLLUP_TABLES.map((table) => db.from(table).orderByRaw('1, 2, 3, 4, 5, 6, 7')))
    const before = await snapshot()

    await assert.rejects(() =>
      db.transaction(async (trx) => {
        await LedgerEngine.post(reservation, null, trx)
        await grant(hanako, { minutes: 4 * HOUR }, trx)
        await LedgerEngine.revoke(hanako.municipalityId, lot, 'undone', null, trx)
        throw new Error('rolled back')
      })
    )
    assert.deepEqual(await marked(hanako.municipalityId), [], 'a rollback leaves no mark')
    assert.deepEqual(await snapshot(), before)
    await assertExact(assert)
  }).timeout(10_000)

  test('ledger:verify names a rollup that differs from the ledger', async ({ assert }) => {
    const hanako = await resident()
    await grant(hanako)
    assert.isNull(await LedgerVerifier.firstViolation())
    await db
      .from('ledger_month_totals')
      .where({ municipality_id: hanako.municipalityId, kind: 'granted', month: thisMonth() })
      .increment('minutes', 1)
    const violation = await LedgerVerifier.firstViolation()
    assert.equal(violation?.subject, 'ledger_month_totals')
  })

  test('a posting appends to the change log; the refresh folds it in and empties the log', async ({
    assert,
  }) => {
    const hanako = await resident()
    const m = hanako.municipalityId
    await LedgerRollupRefresh.run()
    const stored = async () =>
      db
        .from('ledger_month_totals')
        .where({ municipality_id: m, kind: 'used', month: VISIT_MONTH, plugin_id: ALL_PROGRAMS })
        .where('facility_id', ALL_FACILITIES)
        .first()
    const before = await stored()

    await grant(hanako)
    await LedgerEngine.post(await reserve(hanako), null)
    assert.deepEqual(await marked(m), [VISIT_MONTH, thisMonth()].sort())
    assert.deepEqual(await stored(), before, 'the posting itself writes no shared total')

    // The lot added; the visit added as reserved, then taken away as reserved and added as posted
    assert.equal(await LedgerRollupRefresh.run(m), 4)
    assert.deepEqual(await marked(m), [])
    const after = await stored()
    assert.equal(Number(after.items), Number(before?.items ?? 0) + 1)
    assert.equal(Number(after.minutes), Number(before?.minutes ?? 0) + 2 * HOUR)
    assert.equal(await LedgerRollupRefresh.run(m), 0, 'nothing left to do')
    await assertExact(assert)
  })

  test('the minute job refreshes every municipality; other municipalities stay marked until then', async ({
    assert,
  }) => {
    const hanako = await resident()
    const { municipality: shinjuku } = await createSecondTenant()
    const other = await newResident(shinjuku, {
      prefix: 'SJ',
      familyName: '新宿',
      givenNameStem: '一郎',
      familyNameKana: 'シンジュク',
      givenNameKana: 'イチロウ',
    })
    await LedgerRollupRefresh.run()
    await grant(hanako)
    await grant(other)
    await LedgerRollupRefresh.run(hanako.municipalityId)
    assert.deepEqual(await marked(hanako.municipalityId), [])
    assert.deepEqual(await marked(other.municipalityId), [thisMonth()])

    await new LedgerRollupRefreshJob().handle()
    assert.deepEqual(await marked(other.municipalityId), [])
    await assertExact(assert)
  })

  test('a lot created at 23:30 UTC counts in the month of its Japanese date', async ({
    assert,
  }) => {
    const hanako = await resident()
    const m = hanako.municipalityId
    const items = async (month: string) => {
      const figures = await total(m, 'granted', month)
      return figures?.items ?? 0
    }
    const before = { march: await items('2026-03'), april: await items('2026-04') }
    const lot = await grant(hanako)
    await db
      .from('ledger_lots')
      .where('id', lot)
      .update({ created_at: DateTime.fromISO('2026-03-31T23:30:00Z').toJSDate() })
    assert.includeMembers(await marked(m), ['2026-04', thisMonth()])
    assert.equal(await items('2026-03'), before.march)
    assert.equal(await items('2026-04'), before.april + 1)
    await assertExact(assert)
  })
})
