import { test } from '@japa/runner'
import testUtils from '@adonisjs/core/services/test_utils'
import db from '@adonisjs/lucid/services/db'
import ace from '@adonisjs/core/services/ace'
import LedgerEngine, { type GrantInput, type ReserveInput } from '#ledger/ledger_engine'
import LedgerRefusal from '#ledger/ledger_refusal'
import LedgerVerifier from '#ledger/ledger_verifier'
import Resident from '#residents/resident'

const HOUR = 60
let keyCounter = 0

async function hanako() {
  return Resident.findByOrFail('residentNumber', 'MN-000101')
}

async function grant(overrides: Partial<GrantInput> = {}) {
  const resident = await hanako()
  return LedgerEngine.grant({
    municipalityId: resident.municipalityId,
    residentId: resident.id,
    pluginId: 'postpartum_support',
    programCode: 'postpartum',
    definitionVersion: '2024-04',
    services: ['home_helper', 'doula'],
    validFrom: '2026-01-01',
    validTo: '2026-12-31',
    minutes: 10 * HOUR,
    ...overrides,
  })
}

async function reserve(overrides: Partial<ReserveInput> = {}) {
  const resident = await hanako()
  return LedgerEngine.reserve({
    municipalityId: resident.municipalityId,
    residentId: resident.id,
    pluginId: 'postpartum_support',
    programCode: 'postpartum',
    service: 'home_helper',
    visitDate: '2026-06-01',
    minutes: 2 * HOUR,
    idempotencyKey: `key-${++keyCounter}`,
    deductionPriority: ['home_helper', 'doula'],
    ...overrides,
  })
}

async function available(lotId: number) {
  const lot = await db.from('ledger_lots').where('id', lotId).firstOrFail()
  return Number(lot.available_minutes)
}

async function refusal(work: () => Promise<unknown>) {
  try {
    await work()
  } catch (error) {
    if (error instanceof LedgerRefusal) return error
    throw error
  }
  throw new Error('the ledger accepted it')
}

async function refusalCode(work: () => Promise<unknown>) {
  const refused = await refusal(work)
  return refused.code
}

test.group('Ledger engine', (group) => {
  group.each.setup(() => testUtils.db().withGlobalTransaction())

  test('a grant is a lot with its journal entry', async ({ assert }) => {
    const lotId = await grant()
    assert.equal(await available(lotId), 600)
    const entries = await db.from('ledger_entries').where('lot_id', lotId)
    assert.deepEqual(
      entries.map((entry) => [entry.kind, Number(entry.delta_available)]),
      [['grant', 600]]
    )
    assert.isNull(await LedgerVerifier.firstViolation())
  })

  test('reserve holds, post spends, release returns', async ({ assert }) => {
    const lotId = await grant()
    const { redemptionId } = await reserve({ minutes: 90 })
    assert.equal(await available(lotId), 510)
    await LedgerEngine.post(redemptionId, null)
    assert.equal(await available(lotId), 510)

    const second = await reserve({ minutes: 60 })
    assert.equal(await available(lotId), 450)
    await LedgerEngine.release(second.redemptionId, null, 'provider rejected')
    assert.equal(await available(lotId), 510)
    assert.isNull(await LedgerVerifier.firstViolation())
  })

  test('staff cancellation of a posted visit returns the minutes, with the reason', async ({
    assert,
  }) => {
    const lotId = await grant()
    const { redemptionId } = await reserve({ minutes: 120 })
    await LedgerEngine.post(redemptionId, null)
    await LedgerEngine.cancel(redemptionId, 1, '訪問なし（入力誤り）')
    assert.equal(await available(lotId), 600)
    const redemption = await db.from('ledger_redemptions').where('id', redemptionId).first()
    assert.equal(redemption.status, 'cancelled')
    assert.equal(redemption.reason, '訪問なし（入力誤り）')
    assert.isNull(await LedgerVerifier.firstViolation())
  })

  test('each transition happens once', async ({ assert }) => {
    await grant()
    const { redemptionId } = await reserve()
    await LedgerEngine.post(redemptionId, null)
    assert.equal(await refusalCode(() => LedgerEngine.post(redemptionId, null)), 'not_reserved')
    assert.equal(
      await refusalCode(() => LedgerEngine.release(redemptionId, null, null)),
      'not_reserved'
    )
    const other = await reserve()
    assert.equal(
      await refusalCode(() => LedgerEngine.cancel(other.redemptionId, null, 'x')),
      'not_posted'
    )
  })

  test('a redemption spans lots: helper-only first, then earliest expiry, then oldest', async ({
    assert,
  }) => {
    const doulaCapable = await grant({ minutes: 5 * HOUR, validTo: '2026-07-31' })
    const helperLate = await grant({
      services: ['home_helper'],
      minutes: 2 * HOUR,
      validTo: '2026-12-31',
    })
    const helperEarly = await grant({
      services: ['home_helper'],
      minutes: 1 * HOUR,
      validTo: '2026-09-30',
    })

    await reserve({ minutes: 4 * HOUR })
    assert.deepEqual(
      [await available(helperEarly), await available(helperLate), await available(doulaCapable)],
      [0, 0, 4 * HOUR]
    )
    // A doula visit can only use the doula-capable lot.
    await reserve({ service: 'doula', minutes: HOUR })
    assert.equal(await available(doulaCapable), 3 * HOUR)
  })

  test('not enough minutes: refused with the figures, nothing changes', async ({ assert }) => {
    const lotId = await grant({ minutes: HOUR })
    const refused = await refusal(() => reserve({ minutes: 2 * HOUR }))
    assert.equal(refused.code, 'not_enough_minutes')
    assert.deepEqual(refused.values, { available: 60, requested: 120 })
    assert.equal(await available(lotId), 60)
    assert.lengthOf(await db.from('ledger_redemptions'), 0)
  })

  test('a lot is not usable outside its validity', async ({ assert }) => {
    await grant({ validFrom: '2026-01-01', validTo: '2026-03-31' })
    const refused = await refusal(() => reserve({ visitDate: '2026-04-01' }))
    assert.equal(refused.code, 'no_valid_lot')
  })

  test('idempotency: a replay returns the first result, other parameters are refused', async ({
    assert,
  }) => {
    const lotId = await grant()
    const first = await reserve({ idempotencyKey: 'visit-42', minutes: 60 })
    const again = await reserve({ idempotencyKey: 'visit-42', minutes: 60 })
    assert.deepEqual(again, { redemptionId: first.redemptionId, replayed: true })
    assert.equal(await available(lotId), 540)
    const conflict = await refusal(() => reserve({ idempotencyKey: 'visit-42', minutes: 120 }))
    assert.equal(conflict.code, 'idempotency_conflict')
  })

  test('issuance is refused beyond the window cap', async ({ assert }) => {
    await grant({ windowKey: 'child:1:first', windowCapMinutes: 128 * HOUR, minutes: 100 * HOUR })
    const refused = await refusal(() =>
      grant({ windowKey: 'child:1:first', windowCapMinutes: 128 * HOUR, minutes: 30 * HOUR })
    )
    assert.equal(refused.code, 'cap_exceeded')
    assert.deepEqual(refused.values, { cap: 7680, already: 6000, requested: 1800 })
    await grant({ windowKey: 'child:1:first', windowCapMinutes: 128 * HOUR, minutes: 28 * HOUR })
  })

  test('amounts are whole positive minutes', async ({ assert }) => {
    assert.equal(await refusalCode(() => grant({ minutes: 0 })), 'invalid_amount')
    assert.equal(await refusalCode(() => grant({ minutes: 1.5 })), 'invalid_amount')
    await grant()
    assert.equal(await refusalCode(() => reserve({ minutes: -60 })), 'invalid_amount')
  })

  test('expiry writes off what is left on lapsed lots', async ({ assert }) => {
    const lapsed = await grant({ validTo: '2026-03-31', minutes: 3 * HOUR })
    const current = await grant({ validTo: '2026-12-31' })
    assert.equal(await LedgerEngine.expireLapsed('2026-04-01'), 1)
    assert.equal(await available(lapsed), 0)
    assert.equal(await available(current), 600)
    const expire = await db.from('ledger_entries').where({ lot_id: lapsed, kind: 'expire' }).first()
    assert.equal(Number(expire.delta_available), -180)
    assert.isNull(await LedgerVerifier.firstViolation())
  })

  test('minutes given back to a lot that expired meanwhile lapse at once', async ({ assert }) => {
    const lotId = await grant({ validTo: '2026-06-30' })
    const { redemptionId } = await reserve({ visitDate: '2026-06-30', minutes: 2 * HOUR })
    await LedgerEngine.expireLapsed('2026-07-01')
    await LedgerEngine.release(redemptionId, null, 'visit did not happen')
    assert.equal(await available(lotId), 0)
    const kinds = await db.from('ledger_entries').where('lot_id', lotId).orderBy('id')
    assert.deepEqual(
      kinds.map((entry) => [entry.kind, Number(entry.delta_available)]),
      [
        ['grant', 600],
        ['reserve', -120],
        ['expire', -480],
        ['release', 120],
        ['expire', -120],
      ]
    )
    assert.isNull(await LedgerVerifier.firstViolation())
  })

  test('the database itself refuses a negative balance', async ({ assert }) => {
    const lotId = await grant({ minutes: HOUR })
    await assert.rejects(() =>
      db.transaction((trx) =>
        trx.from('ledger_lots').where('id', lotId).update({ available_minutes: -1 })
      )
    )
  })

  test('ledger:verify names a balance that disagrees with its entries', async ({ assert }) => {
    const lotId = await grant()
    const intact = await ace.exec('ledger:verify', [])
    assert.equal(intact.exitCode, 0)
    await db.from('ledger_lots').where('id', lotId).update({ available_minutes: 300 })
    const broken = await ace.exec('ledger:verify', [])
    assert.equal(broken.exitCode, 1)
    const violation = await LedgerVerifier.firstViolation()
    assert.deepEqual(violation, {
      subject: `lot ${lotId}`,
      message: 'balance 300 but its entries add up to 600',
    })
  })
})
