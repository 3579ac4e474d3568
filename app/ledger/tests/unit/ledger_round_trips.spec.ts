import { test } from '@japa/runner'
import testUtils from '@adonisjs/core/services/test_utils'
import db from '@adonisjs/lucid/services/db'
import AuditTrail from '#audit/audit_trail'
import AuditVerifier from '#audit/audit_verifier'
import { chainKeyFor } from '#audit/audit_event_input'
import CouponRedemption from '#ledger/coupon_redemption'
import LedgerEngine from '#ledger/ledger_engine'
import LedgerVerifier from '#ledger/ledger_verifier'
import { HOUR, nextKey, residentWithChildren, staffOf } from '#tests/helpers/programs'
import { lastAuditEventId } from '#tests/helpers/staff_console'

/*
| Issue 16: what a redemption costs in statements, and how long it holds
| the municipality's audit chain, for which every request of the
| municipality waits. The chain's head is locked by the last statements
| before COMMIT; everything else comes before.
*/

const POSTPARTUM = { pluginId: 'postpartum_support', programCode: 'postpartum' }
const TRANSACTION_CONTROL = /^\s*(begin|commit|rollback|savepoint|release)\b/i
const HEAD_ADVANCE = /^\s*update\W+audit_chain_heads\W+set\W+last_sequence/i

/** The statements `work` sends, in order, without BEGIN, COMMIT and savepoints */
async function statementsOf(work: () => Promise<unknown>) {
  const knex = db.connection().getWriteClient()
  const statements: string[] = []
  const listener = (query: { sql: string }) => {
    if (!TRANSACTION_CONTROL.test(query.sql)) statements.push(query.sql)
  }
  knex.on('query', listener)
  try {
    await work()
  } finally {
    knex.off('query', listener)
  }
  return statements
}

/**
 * The statements from the head's advance to the end of the transaction:
 * only the chain's own writes may be among them.
 */
function whileHeadLocked(statements: string[]) {
  const locked = statements.findIndex((sql) => HEAD_ADVANCE.test(sql))
  return locked === -1 ? [] : statements.slice(locked + 1)
}

/** A new resident with ten postpartum hours, and the staff who act */
async function tenHours() {
  const household = await residentWithChildren([{ birthDate: '2026-03-01' }])
  const owner = {
    ...POSTPARTUM,
    municipalityId: household.municipality.id,
    residentId: household.resident.id,
  }
  await LedgerEngine.grant({
    ...owner,
    definitionVersion: '2024-04',
    services: ['home_helper', 'doula'],
    validFrom: '2026-01-01',
    validTo: '2026-12-31',
    minutes: 10 * HOUR,
  })
  return { owner, by: await staffOf(household.municipality) }
}

function reserve(owner: Awaited<ReturnType<typeof tenHours>>, minutes = HOUR) {
  return CouponRedemption.reserve(
    {
      ...owner.owner,
      service: 'home_helper',
      visitDate: '2026-04-10',
      visitStart: '10:00',
      minutes,
      idempotencyKey: nextKey(),
    },
    owner.by
  )
}

test.group('Ledger round trips (issue 16)', (group) => {
  group.each.setup(() => testUtils.db().withGlobalTransaction())

  test('a reservation and its approval: few statements, the chain head locked only for the events', async ({
    assert,
  }) => {
    const owner = await tenHours()
    // The chain exists already (its first event also creates its head).
    await AuditTrail.record({
      municipalityId: owner.owner.municipalityId,
      action: 'audit.chain_keyed',
      source: { channel: 'cli' },
    })
    // PostgreSQL writes the events and the new head in one statement.
    const headWrites = db.connection().dialect.name === 'postgres' ? 1 : 2

    let redemptionId = 0
    const reserved = await statementsOf(async () => {
      const reservation = await reserve(owner)
      redemptionId = reservation.redemptionId
    })
    assert.isAtMost(reserved.length, 8 + headWrites, reserved.join('\n'))
    assert.lengthOf(whileHeadLocked(reserved), headWrites, reserved.join('\n'))

    let approved = false
    const approval = await statementsOf(async () => {
      approved = await CouponRedemption.approve(owner.owner.municipalityId, redemptionId, owner.by)
    })
    assert.isTrue(approved)
    // After the commit, the listener looks up whom to mail.
    const locked = whileHeadLocked(approval).filter((sql) => !/\bresidents\b/.test(sql))
    assert.isAtMost(approval.length, 6 + headWrites, approval.join('\n'))
    assert.lengthOf(locked, headWrites, approval.join('\n'))
    assert.isTrue(
      locked.every((sql) => /audit_(events|chain_heads)/.test(sql)),
      locked.join('\n')
    )
    assert.isNull(await LedgerVerifier.firstViolation())
  })

  test('a corrected visit: its two events are appended together, in order, on one valid chain', async ({
    assert,
  }) => {
    const owner = await tenHours()
    const { redemptionId } = await reserve(owner, 2 * HOUR)
    const before = await lastAuditEventId()
    const { municipalityId } = owner.owner

    const statements = await statementsOf(() =>
      CouponRedemption.correct(municipalityId, redemptionId, HOUR, owner.by)
    )
    assert.lengthOf(
      statements.filter((sql) => HEAD_ADVANCE.test(sql)),
      1,
      'one head lock for the transaction'
    )
    const appended = await db
      .from('audit_events')
      .where('chain_key', chainKeyFor(municipalityId))
      .where('id', '>', before)
      .orderBy('sequence')
    assert.deepEqual(
      appended.map((event) => event.action),
      ['redemption.reserved', 'redemption.corrected']
    )
    assert.equal(Number(appended[1].sequence), Number(appended[0].sequence) + 1)
    assert.equal(appended[1].prev_hash, appended[0].hash)
    const report = await AuditVerifier.verifyChain(chainKeyFor(municipalityId))
    assert.isNull(report.firstBreak)
    assert.isNull(await LedgerVerifier.firstViolation())
  })
})
