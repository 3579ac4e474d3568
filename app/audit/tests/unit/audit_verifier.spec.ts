import { test } from '@japa/runner'
import testUtils from '@adonisjs/core/services/test_utils'
import db from '@adonisjs/lucid/services/db'
import ace from '@adonisjs/core/services/ace'
import AuditTrail from '#audit/audit_trail'
import AuditVerifier from '#audit/audit_verifier'
import { CHAIN_BATCH, storedChainRow } from '#audit/audit_chain_rows'
import { GENESIS_HASH, chainKeyFor } from '#audit/audit_event_input'
import {
  KEYED,
  auditHash,
  auditRowHash,
  canonicalJson,
  canonicalRow,
  canonicalTextSql,
  hmacKeyObject,
} from '#audit/audit_hash'
import { auditHmacKey } from '#audit/audit_key'
import Municipality from '#tenancy/municipality'
import { asTamperingAdmin } from '#tests/helpers/audit_tampering'

let codeCounter = 960000
async function freshMunicipality() {
  codeCounter++
  return Municipality.create({
    code: String(codeCounter),
    slug: `verify-${codeCounter}`,
    nameJa: `検証市${codeCounter}`,
    nameEn: `Verify City ${codeCounter}`,
  })
}

/**
 * A long chain written fast: `unkeyed` events as the trail wrote them
 * before it was keyed, then keyed ones, inserted many at a time with the
 * hash of the reference serialisation (canonicalRow), then one event
 * appended by AuditTrail.record on top. Returns the chain key and length.
 */
async function longChain(municipalityId: number, seeded: number, unkeyed: number) {
  const chainKey = chainKeyFor(municipalityId)
  const key = auditHmacKey()
  let prevHash = GENESIS_HASH
  let batch: Record<string, unknown>[] = []
  for (let sequence = 1; sequence <= seeded; sequence++) {
    const row = {
      chain_key: chainKey,
      sequence,
      municipality_id: municipalityId,
      occurred_at: new Date(Date.UTC(2026, 0, 1) + sequence * 1000),
      action: 'resident.viewed',
      outcome: 'success',
      actor_user_id: 1 + (sequence % 5),
      actor_role: 'municipal_staff',
      subject_resident_id: sequence % 3 === 0 ? null : 42,
      purpose: sequence % 2 === 0 ? 'eligibility_review' : null,
      source_ip: '203.0.113.5',
      source_user_agent: 'Mozilla/5.0 "計測" \\',
      source_channel: 'web',
      destination: 'residents.show',
      details: canonicalJson({ sequence, note: 'line\nbreak' }),
    }
    const keyed = sequence > unkeyed
    const hash = auditHash(prevHash, canonicalRow(row), keyed ? key : null)
    batch.push({ ...row, prev_hash: prevHash, hash, hash_algorithm: keyed ? KEYED : null })
    prevHash = hash
    if (batch.length === 250 || sequence === seeded) {
      await db.table('audit_events').multiInsert(batch)
      batch = []
    }
  }
  await db
    .table('audit_chain_heads')
    .insert({ chain_key: chainKey, last_sequence: seeded, last_hash: prevHash })
  await AuditTrail.record({
    municipalityId,
    action: 'resident.viewed',
    source: { channel: 'cli' },
    details: { after: seeded },
  })
  return { chainKey, events: seeded + 1 }
}

test.group('Audit verifier: the hash', () => {
  test('stays byte-identical to the hash of the trail written before the verifier streamed', ({
    assert,
  }) => {
    // Computed by auditHash(prev, canonicalRow(row), key) before the change.
    const rows = [
      {
        chain_key: 'm:7',
        sequence: 12,
        municipality_id: 7,
        occurred_at: new Date(Date.UTC(2026, 2, 4, 5, 6, 7, 89)),
        action: 'resident.viewed',
        outcome: 'success',
        actor_user_id: 3,
        actor_role: 'municipal_staff',
        subject_resident_id: 42,
        purpose: 'eligibility_review',
        source_ip: '203.0.113.5',
        source_user_agent: 'Mozilla/5.0 "計測" \\ \u0001\t',
        source_channel: 'web',
        destination: 'residents.show',
        details: '{"fields":["name","children"],"note":"\\u2028"}',
      },
      {
        chain_key: 'platform',
        sequence: '3',
        municipality_id: null,
        occurred_at: 1767225600123,
        action: 'municipality.created',
        outcome: 'denied',
        actor_user_id: null,
        actor_role: null,
        subject_resident_id: undefined,
        purpose: null,
        source_ip: null,
        source_user_agent: null,
        source_channel: 'cli',
        destination: null,
        details: '{}',
      },
    ]
    const expected = [
      [
        'f78ad39d5ba95c58a341971ad589af6ae502bed47b6e42198bdf586d26dc7c8f',
        '6303898f79f6e11a8a86ff1861098a675288bc9d9b1ff22d9b898841652bf1ca',
      ],
      [
        'b65df95732e79337543d7a2b67d257907ea79e20aad9e96ec981463892366890',
        '83771a6731b605b8d50ab7729c342b63f3d191e920f32081e8578b509477e965',
      ],
    ]
    rows.forEach((row, index) => {
      const [bare, keyed] = expected[index]
      assert.equal(auditHash('a'.repeat(64), canonicalRow(row), null), bare)
      assert.equal(auditRowHash('a'.repeat(64), row, null), bare)
      assert.equal(auditHash('b'.repeat(64), canonicalRow(row), 'golden-key'), keyed)
      assert.equal(auditRowHash('b'.repeat(64), row, 'golden-key'), keyed)
      assert.equal(auditRowHash('b'.repeat(64), row, hmacKeyObject('golden-key')), keyed)
    })
  })
})

test.group('Audit verifier: chains longer than one batch', (group) => {
  group.each.setup(() => testUtils.db().withGlobalTransaction())

  test('a chain of several batches verifies, written partly before the key', async ({ assert }) => {
    const city = await freshMunicipality()
    const { chainKey, events } = await longChain(city.id, 2 * CHAIN_BATCH + 500, 700)
    const report = await AuditVerifier.verifyChain(chainKey)
    assert.deepEqual(report, { chainKey, events, firstBreak: null })
    const intact = await ace.exec('audit:verify', [`--tenant=${city.code}`])
    assert.equal(intact.exitCode, 0)
  })

  test('a row changed in a later batch is named as today', async ({ assert }) => {
    const city = await freshMunicipality()
    const { chainKey } = await longChain(city.id, 2 * CHAIN_BATCH + 500, 700)
    const sequence = 2 * CHAIN_BATCH + 100
    await asTamperingAdmin(() =>
      db.from('audit_events').where({ chain_key: chainKey, sequence }).update({ purpose: 'x' })
    )
    const changed = await db.from('audit_events').where({ chain_key: chainKey, sequence }).first()
    const { events, firstBreak } = await AuditVerifier.verifyChain(chainKey)
    assert.equal(events, sequence - 1)
    assert.deepEqual(firstBreak, {
      chainKey,
      eventId: String(changed.id),
      sequence,
      reason: 'changed',
      message: `event #${sequence} (id ${changed.id}) does not match its hash: the row was changed`,
    })
    const tampered = await ace.exec('audit:verify', [`--tenant=${city.code}`])
    assert.equal(tampered.exitCode, 1)
  })

  test('a row removed at a batch boundary is named as today', async ({ assert }) => {
    const city = await freshMunicipality()
    const { chainKey } = await longChain(city.id, CHAIN_BATCH + 300, 0)
    const removed = CHAIN_BATCH + 1
    await asTamperingAdmin(() =>
      db.from('audit_events').where({ chain_key: chainKey, sequence: removed }).delete()
    )
    const next = await db
      .from('audit_events')
      .where({ chain_key: chainKey, sequence: removed + 1 })
      .first()
    const { firstBreak } = await AuditVerifier.verifyChain(chainKey)
    assert.equal(firstBreak?.reason, 'removed')
    assert.equal(
      firstBreak?.message,
      `event #${removed} is missing (next is #${removed + 1}, id ${next.id}): an event was removed`
    )
  })
})

test.group('Audit verifier: the text the database builds', (group) => {
  group.each.setup(() => testUtils.db().withGlobalTransaction())

  /** Appends one event with these stored values to a fresh chain, linked as the trail links */
  async function storedEvent(values: Record<string, unknown>) {
    const city = await freshMunicipality()
    const chainKey = chainKeyFor(city.id)
    const row = {
      chain_key: chainKey,
      sequence: 1,
      municipality_id: city.id,
      occurred_at: new Date(Date.UTC(2026, 2, 4, 5, 6, 7, 89)),
      action: 'resident.viewed',
      outcome: 'success',
      actor_user_id: null,
      actor_role: 'municipal_staff',
      subject_resident_id: 42,
      purpose: null,
      source_ip: '203.0.113.5',
      source_user_agent: 'ua',
      source_channel: 'web',
      destination: null,
      details: '{}',
      ...values,
    }
    const [inserted] = await db
      .table('audit_events')
      .insert({ ...row, prev_hash: GENESIS_HASH, hash: 'pending', hash_algorithm: KEYED })
      .returning('id')
    const id = typeof inserted === 'object' ? inserted.id : inserted
    const stored = await storedChainRow(db.connection(), id)
    const hash = auditRowHash(GENESIS_HASH, stored, auditHmacKey())
    await asTamperingAdmin(() => db.from('audit_events').where('id', id).update({ hash }))
    await db
      .table('audit_chain_heads')
      .insert({ chain_key: chainKey, last_sequence: 1, last_hash: hash })
    return { chainKey, id, stored }
  }

  test('is the canonical text, escapes and all', async ({ assert }) => {
    const tricky = [
      { source_user_agent: 'Mozilla/5.0 "計測" \\ \u0001\t\n\r\b\f\u001f 😀 \u2028 \u007f' },
      { purpose: "it's 'quoted'", destination: '[["x",1]]', actor_user_id: 7 },
      { details: canonicalJson({ note: 'line\nbreak', emoji: '👶', quote: '"' }) },
      { occurred_at: new Date(Date.UTC(2027, 11, 31, 23, 59, 59, 999)), subject_resident_id: null },
    ]
    const dialect = db.connection().dialect.name
    for (const values of tricky) {
      const { id, stored } = await storedEvent(values)
      const built = await db
        .from('audit_events')
        .select(db.raw(`${canonicalTextSql(dialect)} AS canonical_text`))
        .where('id', id)
        .firstOrFail()
      assert.equal(
        built.canonical_text,
        JSON.stringify(Object.entries(canonicalRow(stored))),
        JSON.stringify(values)
      )
    }
  })

  test('a row the database writes otherwise still verifies, and a change to it is still found', async ({
    assert,
  }) => {
    // SQLite: a timestamp stored as text; PostgreSQL: microseconds. Neither
    // is what the trail writes, and the database builds another text.
    const postgres = db.connection().dialect.name === 'postgres'
    const { chainKey, id } = await storedEvent({
      occurred_at: postgres ? '2026-03-04 05:06:07.089999+00' : '2026-03-04T05:06:07.089Z',
    })
    assert.deepEqual(await AuditVerifier.verifyChain(chainKey), {
      chainKey,
      events: 1,
      firstBreak: null,
    })
    await asTamperingAdmin(() =>
      db.from('audit_events').where('id', id).update({ outcome: 'denied' })
    )
    const { firstBreak } = await AuditVerifier.verifyChain(chainKey)
    assert.equal(firstBreak?.reason, 'changed')
    assert.equal(firstBreak?.eventId, String(id))
  })
})
