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
  ROLLUP_TABLES,
  differenceQueries,
} from '#ledger/ledger_rollups'
import Resident from '#residents/resident'

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
  const row = await db
    .from('ledger_usage_totals')
    .where({ municipality_id: municipalityId, month: VISIT_MONTH, status })
    .sum('visits as visits')
    .sum('minutes as minutes')
    .first()
  return { visits: Number(row?.visits ?? 0), minutes: Number(row?.minutes ?? 0) }
}

/** Every rollup equals the ledger aggregated from scratch */
async function assertExact(assert: { deepEqual(a: unknown, b: unknown): void }) {
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
        .from('ledger_month_residents')
        .where({ municipality_id: m, kind: 'granted', month: thisMonth(), resident_id: hanako.id })
        .where('plugin_id', 'postpartum_support')
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
})
