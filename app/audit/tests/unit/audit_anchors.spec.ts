import { mkdtemp, readFile, rm, stat } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { test } from '@japa/runner'
import testUtils from '@adonisjs/core/services/test_utils'
import db from '@adonisjs/lucid/services/db'
import ace from '@adonisjs/core/services/ace'
import AuditTrail from '#audit/audit_trail'
import AuditVerifier from '#audit/audit_verifier'
import AuditAnchors from '#audit/audit_anchors'
import { GENESIS_HASH, chainKeyFor } from '#audit/audit_event_input'
import { auditHash, canonicalJson, canonicalRow } from '#audit/audit_hash'
import { auditHmacKey } from '#audit/audit_key'
import AuditAnchorExportJob from '#audit/audit_anchor_export_job'
import queueConfig from '#config/queue'
import env from '#start/env'
import { mailsSince, waitForMail } from '#tests/helpers/mailbox'
import Municipality from '#tenancy/municipality'
import { asTamperingAdmin } from '#tests/helpers/audit_tampering'

let codeCounter = 930000
async function freshMunicipality() {
  codeCounter++
  return Municipality.create({
    code: String(codeCounter),
    slug: `anchor-${codeCounter}`,
    nameJa: `錨市${codeCounter}`,
    nameEn: `Anchor City ${codeCounter}`,
  })
}

async function appendEvents(municipalityId: number, count: number) {
  for (let index = 0; index < count; index++) {
    await AuditTrail.record({
      municipalityId,
      action: 'resident.viewed',
      actorUserId: 1,
      actorRole: 'municipal_staff',
      subjectResidentId: 42,
      source: { channel: 'web', ip: '203.0.113.5', userAgent: 'Mozilla/5.0' },
      details: { index },
    })
  }
}

function exportHeads() {
  return new AuditAnchorExportJob().handle()
}

/** audit:verify for one municipality: its exit code and what it printed */
async function auditVerify(city: Municipality) {
  ace.ui.switchMode('raw')
  try {
    const command = await ace.exec('audit:verify', [`--tenant=${city.code}`])
    const output = command.logger
      .getLogs()
      .map((log) => log.message)
      .join('\n')
    return { exitCode: command.exitCode, output }
  } finally {
    ace.ui.switchMode('normal')
  }
}

test.group('Audit trail: keyed chain and exported heads', (group) => {
  group.each.setup(async () => {
    AuditAnchors.directoryOverride = await mkdtemp(join(tmpdir(), 'tomoni-anchors-'))
    const rollback = await testUtils.db().withGlobalTransaction()
    return async () => {
      await rollback()
      await rm(AuditAnchors.directoryOverride!, { recursive: true, force: true })
      AuditAnchors.directoryOverride = null
    }
  })

  test('rewriting the tail and the head together fails audit:verify, naming the exported head', async ({
    assert,
  }) => {
    const city = await freshMunicipality()
    const chainKey = chainKeyFor(city.id)
    await appendEvents(city.id, 4)
    await exportHeads()
    const intact = await auditVerify(city)
    assert.equal(intact.exitCode, 0)

    // A database administrator removes the last event and winds the head back.
    await asTamperingAdmin(async () => {
      const third = await db
        .from('audit_events')
        .where({ chain_key: chainKey, sequence: 3 })
        .first()
      await db.from('audit_events').where({ chain_key: chainKey, sequence: 4 }).delete()
      await db
        .from('audit_chain_heads')
        .where('chain_key', chainKey)
        .update({ last_sequence: 3, last_hash: third.hash })
    })

    // The chain alone looks whole; only the exported head shows the rewrite.
    const unanchored = await AuditVerifier.verifyChain(chainKey, { anchors: new Map() })
    assert.isNull(unanchored.firstBreak)
    const report = await AuditVerifier.verifyChain(chainKey)
    assert.equal(report.firstBreak?.reason, 'anchor_mismatch')
    assert.equal(report.firstBreak?.sequence, 4)

    const verified = await auditVerify(city)
    assert.equal(verified.exitCode, 1)
    assert.include(verified.output, 'the head exported at')
    assert.include(verified.output, 'event #4')
  })

  test('a tail rewritten with a different event of the same number fails on the exported hash', async ({
    assert,
  }) => {
    const city = await freshMunicipality()
    const chainKey = chainKeyFor(city.id)
    await appendEvents(city.id, 3)
    await exportHeads()

    // Without the key a forger can only write bare sha256 links ...
    await asTamperingAdmin(async () => {
      const last = await db.from('audit_events').where({ chain_key: chainKey, sequence: 3 }).first()
      const row = { ...last, details: canonicalJson({ index: 'forged' }) }
      const hash = auditHash(last.prev_hash, canonicalRow(row), null)
      await db
        .from('audit_events')
        .where('id', last.id)
        .update({ details: row.details, hash, hash_algorithm: null })
      await db.from('audit_chain_heads').where('chain_key', chainKey).update({ last_hash: hash })
    })
    const forged = await AuditVerifier.verifyChain(chainKey, { anchors: new Map() })
    assert.equal(forged.firstBreak?.reason, 'unkeyed')

    // ... and even one who took the key cannot match the exported head.
    await asTamperingAdmin(async () => {
      const last = await db.from('audit_events').where({ chain_key: chainKey, sequence: 3 }).first()
      const row = { ...last, details: canonicalJson({ index: 'rewritten' }) }
      const hash = auditHash(last.prev_hash, canonicalRow(row), auditHmacKey())
      await db
        .from('audit_events')
        .where('id', last.id)
        .update({ details: row.details, hash, hash_algorithm: 'hmac-sha256' })
      await db.from('audit_chain_heads').where('chain_key', chainKey).update({ last_hash: hash })
    })
    const rewritten = await AuditVerifier.verifyChain(chainKey)
    assert.equal(rewritten.firstBreak?.reason, 'anchor_mismatch')
    assert.match(rewritten.firstBreak!.message, /event #3 no longer matches the head exported at/)
  })

  test('a removed chain is named by its exported head', async ({ assert }) => {
    const city = await freshMunicipality()
    const chainKey = chainKeyFor(city.id)
    await appendEvents(city.id, 2)
    await exportHeads()
    await asTamperingAdmin(async () => {
      await db.from('audit_events').where('chain_key', chainKey).delete()
      await db.from('audit_chain_heads').where('chain_key', chainKey).delete()
    })
    const reports = await AuditVerifier.verifyAll()
    const report = reports.find((candidate) => candidate.chainKey === chainKey)
    assert.equal(report?.firstBreak?.reason, 'anchor_mismatch')
    const verified = await auditVerify(city)
    assert.equal(verified.exitCode, 1)
  })

  test('a chain verified with a wrong key fails at its first event', async ({ assert }) => {
    const city = await freshMunicipality()
    const chainKey = chainKeyFor(city.id)
    await appendEvents(city.id, 3)
    const right = await AuditVerifier.verifyChain(chainKey)
    assert.isNull(right.firstBreak)
    const wrong = await AuditVerifier.verifyChain(chainKey, { key: 'not-the-key-'.repeat(4) })
    assert.equal(wrong.firstBreak?.reason, 'changed')
    assert.equal(wrong.firstBreak?.sequence, 1)
  })

  test('the scheduled export appends each moved head to a private file', async ({ assert }) => {
    assert.property(queueConfig.schedules, 'audit_anchor_export')
    assert.property(queueConfig.jobs, 'audit_anchor_export')

    const city = await freshMunicipality()
    const chainKey = chainKeyFor(city.id)
    await appendEvents(city.id, 2)
    await exportHeads()
    await exportHeads() // nothing moved: nothing appended
    await appendEvents(city.id, 1)
    await exportHeads()

    const text = await readFile(AuditAnchors.file(), 'utf8')
    const lines = text
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line))
      .filter((anchor) => anchor.chainKey === chainKey)
    const head = await db.from('audit_chain_heads').where('chain_key', chainKey).firstOrFail()
    assert.deepEqual(
      lines.map((anchor) => [anchor.tenant, anchor.sequence]),
      [
        [city.code, 2],
        [city.code, 3],
      ]
    )
    assert.equal(lines[1].hash, head.last_hash)
    assert.isString(lines[1].exportedAt)
    const file = await stat(AuditAnchors.file())
    assert.equal(file.mode & 0o777, 0o600)
  })

  test('with AUDIT_ANCHOR_MAIL_TO the exported heads are mailed to the operator', async ({
    assert,
    cleanup,
  }) => {
    const operator = `anchors-${process.pid}@tomoni.example`
    const previous = env.get('AUDIT_ANCHOR_MAIL_TO')
    env.set('AUDIT_ANCHOR_MAIL_TO', operator)
    cleanup(() => env.set('AUDIT_ANCHOR_MAIL_TO', previous ?? ''))

    const city = await freshMunicipality()
    await appendEvents(city.id, 2)
    const since = new Date()
    await exportHeads()
    const message = await waitForMail(operator, since)
    const head = await db
      .from('audit_chain_heads')
      .where('chain_key', chainKeyFor(city.id))
      .firstOrFail()
    assert.include(message.subject, '監査証跡')
    assert.include(message.text, `${chainKeyFor(city.id)} (${city.code}) #2 ${head.last_hash}`)

    // Nothing moved: no new mail
    const later = new Date()
    await exportHeads()
    assert.lengthOf(await mailsSince(operator, later), 0)
  })

  test('events written before the chain was keyed still verify after the upgrade', async ({
    assert,
  }) => {
    const city = await freshMunicipality()
    const chainKey = chainKeyFor(city.id)
    // Two events as the unkeyed trail wrote them (bare sha256 links)
    let prevHash = GENESIS_HASH
    for (const sequence of [1, 2]) {
      const row = {
        chain_key: chainKey,
        sequence,
        municipality_id: city.id,
        occurred_at: new Date(),
        action: 'resident.viewed',
        outcome: 'success',
        actor_user_id: 1,
        actor_role: 'municipal_staff',
        subject_resident_id: null,
        purpose: null,
        source_ip: null,
        source_user_agent: null,
        source_channel: 'web',
        destination: null,
        details: canonicalJson({ sequence }),
      }
      const hash = auditHash(prevHash, canonicalRow(row), null)
      await db.table('audit_events').insert({ ...row, prev_hash: prevHash, hash })
      prevHash = hash
    }
    await db
      .table('audit_chain_heads')
      .insert({ chain_key: chainKey, last_sequence: 2, last_hash: prevHash })
    const unkeyed = await AuditVerifier.verifyChain(chainKey)
    assert.equal(unkeyed.firstBreak?.reason, 'unkeyed')

    const keyed = await db.transaction((trx) => AuditTrail.keyUnkeyedChains(trx))
    assert.include(keyed, chainKey)
    await appendEvents(city.id, 1)
    const report = await AuditVerifier.verifyChain(chainKey)
    assert.isNull(report.firstBreak)
    assert.equal(report.events, 4)
    const marker = await db.from('audit_events').where({ chain_key: chainKey, sequence: 3 }).first()
    assert.equal(marker.action, 'audit.chain_keyed')

    // The unkeyed events are still protected: changing one breaks the chain.
    await asTamperingAdmin(() =>
      db
        .from('audit_events')
        .where({ chain_key: chainKey, sequence: 1 })
        .update({ action: 'resident.listed' })
    )
    const changed = await AuditVerifier.verifyChain(chainKey)
    assert.equal(changed.firstBreak?.reason, 'changed')
  })
})
