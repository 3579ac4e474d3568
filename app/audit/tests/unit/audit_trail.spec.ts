import { test } from '@japa/runner'
import testUtils from '@adonisjs/core/services/test_utils'
import db from '@adonisjs/lucid/services/db'
import ace from '@adonisjs/core/services/ace'
import AuditTrail from '#audit/audit_trail'
import AuditVerifier from '#audit/audit_verifier'
import { chainKeyFor, type AuditEventInput } from '#audit/audit_event_input'
import Municipality from '#tenancy/municipality'
import Provider from '#tenancy/provider'
import { asTamperingAdmin } from '#tests/helpers/audit_tampering'
import { detailsOf } from '#tests/helpers/staff_console'

let codeCounter = 900000
async function freshMunicipality() {
  codeCounter++
  return Municipality.create({
    code: String(codeCounter),
    slug: `audit-${codeCounter}`,
    nameJa: `監査市${codeCounter}`,
    nameEn: `Audit City ${codeCounter}`,
  })
}

function event(
  municipalityId: number | null,
  overrides: Partial<AuditEventInput> = {}
): AuditEventInput {
  return {
    municipalityId,
    action: 'resident.viewed',
    actorUserId: 1,
    actorRole: 'municipal_staff',
    subjectResidentId: 42,
    purpose: 'resident_record',
    source: { channel: 'web' as const, ip: '203.0.113.5', userAgent: 'Mozilla/5.0' },
    destination: 'residents.show',
    details: { fields: ['name', 'children'] },
    ...overrides,
  }
}

async function appendEvents(municipalityId: number, count: number) {
  for (let index = 0; index < count; index++) {
    await AuditTrail.record(event(municipalityId, { details: { index } }))
  }
}

test.group('Audit trail: append and verify', (group) => {
  group.each.setup(() => testUtils.db().withGlobalTransaction())

  test('events form a numbered hash chain that verifies', async ({ assert }) => {
    const city = await freshMunicipality()
    await appendEvents(city.id, 5)
    const rows = await db
      .from('audit_events')
      .where('chain_key', chainKeyFor(city.id))
      .orderBy('sequence')
    assert.deepEqual(
      rows.map((row) => Number(row.sequence)),
      [1, 2, 3, 4, 5]
    )
    assert.equal(rows[0].prev_hash, '0'.repeat(64))
    assert.equal(rows[1].prev_hash, rows[0].hash)
    assert.equal(rows[0].actor_role, 'municipal_staff')
    assert.equal(rows[0].source_channel, 'web')
    const report = await AuditVerifier.verifyChain(chainKeyFor(city.id))
    assert.deepEqual(report, { chainKey: chainKeyFor(city.id), events: 5, firstBreak: null })
  })

  test('each municipality has its own chain, platform events their own', async ({ assert }) => {
    const first = await freshMunicipality()
    const second = await freshMunicipality()
    await appendEvents(first.id, 2)
    await appendEvents(second.id, 3)
    await AuditTrail.record(event(null, { action: 'municipality.created' }))
    const reports = await AuditVerifier.verifyAll([
      chainKeyFor(first.id),
      chainKeyFor(second.id),
      'platform',
    ])
    assert.deepEqual(
      reports.map((report) => [report.events >= 1, report.firstBreak]),
      [
        [true, null],
        [true, null],
        [true, null],
      ]
    )
    assert.equal(reports[0].events, 2)
    assert.equal(reports[1].events, 3)
  })

  test('the database refuses to update or delete an event', async ({ assert }) => {
    const city = await freshMunicipality()
    await appendEvents(city.id, 1)
    // Each attempt in its own savepoint: PostgreSQL aborts a transaction on error.
    const attempt = (change: (query: any) => Promise<unknown>) =>
      db.transaction((trx) =>
        change(trx.from('audit_events').where('chain_key', chainKeyFor(city.id)))
      )
    await assert.rejects(
      () => attempt((query) => query.update({ action: 'edited' })),
      /append-only/
    )
    await assert.rejects(() => attempt((query) => query.delete()), /append-only/)
  })

  test('a changed row is named by verify', async ({ assert }) => {
    const city = await freshMunicipality()
    await appendEvents(city.id, 4)
    await asTamperingAdmin(() =>
      db
        .from('audit_events')
        .where({ chain_key: chainKeyFor(city.id), sequence: 3 })
        .update({ actor_user_id: 999 })
    )
    const { firstBreak } = await AuditVerifier.verifyChain(chainKeyFor(city.id))
    assert.equal(firstBreak?.reason, 'changed')
    assert.equal(firstBreak?.sequence, 3)
    assert.match(firstBreak!.message, /event #3 \(id \d+\) does not match its hash/)
  })

  test('a removed row in the middle is named by verify', async ({ assert }) => {
    const city = await freshMunicipality()
    await appendEvents(city.id, 4)
    await asTamperingAdmin(() =>
      db
        .from('audit_events')
        .where({ chain_key: chainKeyFor(city.id), sequence: 2 })
        .delete()
    )
    const { firstBreak } = await AuditVerifier.verifyChain(chainKeyFor(city.id))
    assert.equal(firstBreak?.reason, 'removed')
    assert.equal(firstBreak?.sequence, 2)
  })

  test('a removed last row is detected through the chain head', async ({ assert }) => {
    const city = await freshMunicipality()
    await appendEvents(city.id, 3)
    await asTamperingAdmin(() =>
      db
        .from('audit_events')
        .where({ chain_key: chainKeyFor(city.id), sequence: 3 })
        .delete()
    )
    const { firstBreak } = await AuditVerifier.verifyChain(chainKeyFor(city.id))
    assert.equal(firstBreak?.reason, 'head_mismatch')
    assert.match(firstBreak!.message, /records 3 events but 2 remain/)
  })

  test('reordered rows are detected', async ({ assert }) => {
    const city = await freshMunicipality()
    await appendEvents(city.id, 4)
    const key = chainKeyFor(city.id)
    await asTamperingAdmin(async () => {
      await db.from('audit_events').where({ chain_key: key, sequence: 2 }).update({ sequence: -2 })
      await db.from('audit_events').where({ chain_key: key, sequence: 3 }).update({ sequence: 2 })
      await db.from('audit_events').where({ chain_key: key, sequence: -2 }).update({ sequence: 3 })
    })
    const { firstBreak } = await AuditVerifier.verifyChain(key)
    assert.equal(firstBreak?.reason, 'reordered')
    assert.equal(firstBreak?.sequence, 2)
  })

  test('fail closed: when the audit write fails, the operation it records is undone', async ({
    assert,
  }) => {
    const before = await Provider.query().count('* as total').first()
    await assert.rejects(() =>
      db.transaction(async (trx) => {
        await Provider.create({ nameJa: '監査テスト事業者', nameEn: 'Audit test' }, { client: trx })
        // A municipality that does not exist: the database refuses the event.
        await AuditTrail.record(event(987654321, { action: 'provider.registered' }), trx)
      })
    )
    const after = await Provider.query().count('* as total').first()
    assert.equal(Number(after!.$extras.total), Number(before!.$extras.total))
    assert.isNull(await Provider.findBy('nameJa', '監査テスト事業者'))
  })

  test('events of one transaction are appended at its commit, together and in order', async ({
    assert,
  }) => {
    const city = await freshMunicipality()
    const key = chainKeyFor(city.id)
    await appendEvents(city.id, 1)
    await db.transaction(async (trx) => {
      for (const index of [1, 2, 3]) {
        await AuditTrail.record(event(city.id, { details: { index } }), trx)
      }
      // Nothing is in the chain (nor its head locked) before the commit.
      const early = await trx.from('audit_events').where('chain_key', key)
      assert.lengthOf(early, 1)
    })
    const rows = await db.from('audit_events').where('chain_key', key).orderBy('sequence')
    assert.deepEqual(
      rows.map((row) => [Number(row.sequence), detailsOf(row).index]),
      [
        [1, 0],
        [2, 1],
        [3, 2],
        [4, 3],
      ]
    )
    assert.deepEqual(
      rows.slice(1).map((row) => row.prev_hash),
      rows.slice(0, -1).map((row) => row.hash)
    )
    const head = await db.from('audit_chain_heads').where('chain_key', key).firstOrFail()
    assert.deepEqual([Number(head.last_sequence), head.last_hash], [4, rows[3].hash])
    const { firstBreak } = await AuditVerifier.verifyChain(key)
    assert.isNull(firstBreak)
    const { exitCode } = await ace.exec('audit:verify', [`--tenant=${city.code}`])
    assert.equal(exitCode, 0)
  })

  test('one transaction writing to two chains appends to each, in order', async ({ assert }) => {
    const first = await freshMunicipality()
    const second = await freshMunicipality()
    await db.transaction(async (trx) => {
      for (const index of [0, 1, 2]) {
        await AuditTrail.record(event(second.id, { details: { index } }), trx)
        await AuditTrail.record(event(first.id, { details: { index } }), trx)
      }
    })
    for (const city of [first, second]) {
      const rows = await db
        .from('audit_events')
        .where('chain_key', chainKeyFor(city.id))
        .orderBy('sequence')
      assert.deepEqual(
        rows.map((row) => detailsOf(row).index),
        [0, 1, 2]
      )
      const { firstBreak } = await AuditVerifier.verifyChain(chainKeyFor(city.id))
      assert.isNull(firstBreak)
    }
  })

  test('a transaction that rolls back appends nothing and leaves the head alone', async ({
    assert,
  }) => {
    const city = await freshMunicipality()
    const key = chainKeyFor(city.id)
    await appendEvents(city.id, 2)
    const headBefore = await db.from('audit_chain_heads').where('chain_key', key).firstOrFail()
    await assert.rejects(() =>
      db.transaction(async (trx) => {
        await AuditTrail.record(event(city.id, { action: 'resident.updated' }), trx)
        await AuditTrail.record(event(city.id, { action: 'resident.updated' }), trx)
        throw new Error('the operation failed')
      })
    )
    const rows = await db.from('audit_events').where('chain_key', key)
    assert.lengthOf(rows, 2)
    const headAfter = await db.from('audit_chain_heads').where('chain_key', key).firstOrFail()
    assert.deepEqual(headAfter, headBefore)
    await appendEvents(city.id, 1)
    assert.deepEqual(await AuditVerifier.verifyChain(key), {
      chainKey: key,
      events: 3,
      firstBreak: null,
    })
  })

  test('audit:verify exits 0 when intact and 1 naming the first broken event', async ({
    assert,
  }) => {
    const city = await freshMunicipality()
    await appendEvents(city.id, 3)
    const intact = await ace.exec('audit:verify', [`--tenant=${city.code}`])
    assert.equal(intact.exitCode, 0)

    await asTamperingAdmin(() =>
      db
        .from('audit_events')
        .where({ chain_key: chainKeyFor(city.id), sequence: 2 })
        .update({ purpose: 'curiosity' })
    )
    const tampered = await ace.exec('audit:verify', [`--tenant=${city.code}`])
    assert.equal(tampered.exitCode, 1)
    const unknown = await ace.exec('audit:verify', ['--tenant=000000'])
    assert.equal(unknown.exitCode, 1)
  })
})

test.group('Audit trail: concurrent appends', () => {
  test('50 simultaneous appends to one chain leave one unbroken chain', async ({ assert }) => {
    const city = await freshMunicipality()
    const key = chainKeyFor(city.id)
    try {
      await Promise.all(
        Array.from({ length: 50 }, (_, index) =>
          AuditTrail.record(event(city.id, { details: { index } }))
        )
      )
      const rows = await db.from('audit_events').where('chain_key', key).select('sequence')
      const sequences = rows.map((row) => Number(row.sequence))
      assert.sameMembers(
        sequences,
        Array.from({ length: 50 }, (_, index) => index + 1)
      )
      const report = await AuditVerifier.verifyChain(key)
      assert.isNull(report.firstBreak)
      assert.equal(report.events, 50)
    } finally {
      await asTamperingAdmin(async () => {
        await db.from('audit_events').where('chain_key', key).delete()
        await db.from('audit_chain_heads').where('chain_key', key).delete()
        await city.delete()
      })
    }
  })
})
