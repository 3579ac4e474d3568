import { test } from '@japa/runner'
import db from '@adonisjs/lucid/services/db'
import LedgerEngine from '#ledger/ledger_engine'
import LedgerRefusal from '#ledger/ledger_refusal'
import LedgerVerifier from '#ledger/ledger_verifier'
import Resident from '#models/resident'

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
  const resident = await Resident.findByOrFail('residentNumber', 'MN-000102')
  const common = {
    municipalityId: resident.municipalityId,
    residentId: resident.id,
    pluginId: 'probe',
    programCode: PROGRAM,
  }
  const lotId = await LedgerEngine.grant({
    ...common,
    definitionVersion: 'v1',
    services: ['home_helper'],
    validFrom: '2026-01-01',
    validTo: '2026-12-31',
    minutes: 600,
  })
  return { common, lotId }
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
})
