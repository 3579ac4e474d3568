/*
| audit:verify throughput: seeds BENCH_AUDIT_EVENTS events (200,000 by
| default) over BENCH_AUDIT_CHAINS municipality chains, chained and keyed
| with the hash AuditTrail.record computes, then times AuditVerifier.verifyAll
| against an anchor: a plain loop of sha256 over the same canonical
| serialisation (canonicalRow, then JSON of its fields in order) of the same
| rows, already in memory. Run with bench/audit_verify.sh (a fresh database
| per run).
*/
import { createHash } from 'node:crypto'
import { performance } from 'node:perf_hooks'
import { withApp } from './boot.js'
import { reportBench } from './report.js'

const TOTAL = Number(process.env.BENCH_AUDIT_EVENTS ?? 200_000)
const CHAINS = Number(process.env.BENCH_AUDIT_CHAINS ?? 2)
const GOAL = 200_000
const GOAL_RATIO = 0.8
const INSERT_ROWS = 500

/** CPU seconds (user + system, all threads) of this process since `since` */
function cpuSeconds(since: NodeJS.CpuUsage) {
  const used = process.cpuUsage(since)
  return (used.user + used.system) / 1e6
}

await withApp(async () => {
  const { default: db } = await import('@adonisjs/lucid/services/db')
  const { default: Municipality } = await import('#tenancy/municipality')
  const { default: AuditVerifier } = await import('#audit/audit_verifier')
  const { GENESIS_HASH, chainKeyFor } = await import('#audit/audit_event_input')
  const { KEYED, auditHash, canonicalJson, canonicalRow } = await import('#audit/audit_hash')
  const { auditHmacKey } = await import('#audit/audit_key')
  const key = auditHmacKey()
  const dialect = db.connection().dialect.name

  // Seeding: the rows AuditTrail.record writes (same fields, same hash),
  // inserted many at a time in one transaction per chain.
  const seedStarted = performance.now()
  const perChain = Math.ceil(TOTAL / CHAINS)
  let seeded = 0
  for (let chain = 0; chain < CHAINS && seeded < TOTAL; chain++) {
    const municipality = await Municipality.create({
      code: String(990000 + chain),
      slug: `bench-audit-${chain}`,
      nameJa: `監査ベンチ市${chain}`,
      nameEn: `Audit Bench City ${chain}`,
    })
    const chainKey = chainKeyFor(municipality.id)
    const count = Math.min(perChain, TOTAL - seeded)
    const start = Date.UTC(2026, 0, 1)
    let prevHash = GENESIS_HASH
    await db.transaction(async (trx) => {
      let batch: Record<string, unknown>[] = []
      for (let sequence = 1; sequence <= count; sequence++) {
        const row = {
          chain_key: chainKey,
          sequence,
          municipality_id: municipality.id,
          occurred_at: new Date(start + sequence * 1000),
          action: sequence % 3 === 0 ? 'resident.viewed' : 'ledger.redemption_approved',
          outcome: 'success',
          actor_user_id: 1 + (sequence % 50),
          actor_role: 'municipal_staff',
          subject_resident_id: sequence % 7 === 0 ? null : 1000 + (sequence % 997),
          purpose: sequence % 3 === 0 ? 'eligibility_review' : null,
          source_ip: '203.0.113.5',
          source_user_agent: 'Mozilla/5.0 (X11; Linux x86_64) 計測 "bench"',
          source_channel: 'web',
          destination: 'residents.show',
          details: canonicalJson({ index: sequence, fields: ['name', 'children'] }),
        }
        const hash = auditHash(prevHash, canonicalRow(row), key)
        batch.push({ ...row, prev_hash: prevHash, hash, hash_algorithm: KEYED })
        prevHash = hash
        if (batch.length === INSERT_ROWS || sequence === count) {
          await trx.table('audit_events').multiInsert(batch)
          batch = []
        }
      }
      await trx
        .table('audit_chain_heads')
        .insert({ chain_key: chainKey, last_sequence: count, last_hash: prevHash })
    })
    seeded += count
  }
  const seedSeconds = (performance.now() - seedStarted) / 1000
  console.log(
    `database: ${dialect}\n` +
      `seeded: ${seeded} events in ${CHAINS} chains in ${seedSeconds.toFixed(1)} s = ` +
      `${(seeded / seedSeconds).toFixed(0)} /s`
  )

  // The figure: verify every chain, as `node ace audit:verify` does.
  const verifyStarted = performance.now()
  const verifyCpu = process.cpuUsage()
  const reports = await AuditVerifier.verifyAll()
  const verifySeconds = (performance.now() - verifyStarted) / 1000
  const verifyCpuSeconds = cpuSeconds(verifyCpu)
  const verified = reports.reduce((sum, report) => sum + report.events, 0)
  const breaks = reports.filter((report) => report.firstBreak)
  if (breaks.length > 0 || verified !== seeded) {
    throw new Error(
      `verify did not pass the seeded chains: ${verified}/${seeded} events, ` +
        breaks.map((report) => report.firstBreak!.message).join('; ')
    )
  }
  const figure = verified / verifySeconds

  // The anchor: sha256 + today's canonical serialisation over the same rows
  // in memory (no database, no chain checks).
  const rows = await db.from('audit_events').orderBy(['chain_key', 'sequence'])
  const anchorStarted = performance.now()
  const anchorCpu = process.cpuUsage()
  let checksum = 0
  for (const row of rows) {
    const canonical = row.prev_hash + JSON.stringify(Object.entries(canonicalRow(row)))
    checksum += createHash('sha256').update(canonical).digest('hex').charCodeAt(0)
  }
  const anchorSeconds = (performance.now() - anchorStarted) / 1000
  const anchorCpuSeconds = cpuSeconds(anchorCpu)
  const anchor = rows.length / anchorSeconds

  const ratio = figure / anchor
  const met = figure >= GOAL || ratio >= GOAL_RATIO
  console.log(
    `verify: ${verified} events in ${verifySeconds.toFixed(2)} s = ${figure.toFixed(0)} events/s\n` +
      `anchor: ${rows.length} rows, sha256 + canonical serialisation in memory, ` +
      `${anchorSeconds.toFixed(2)} s = ${anchor.toFixed(0)} events/s (checksum ${checksum % 997})\n` +
      `ratio: ${(ratio * 100).toFixed(0)} % of the anchor (per CPU second of this process: ` +
      `verify ${(verified / verifyCpuSeconds).toFixed(0)}/s, anchor ${(rows.length / anchorCpuSeconds).toFixed(0)}/s, ` +
      `${((verified / verifyCpuSeconds / (rows.length / anchorCpuSeconds)) * 100).toFixed(0)} %)\n` +
      `goal: ≥ ${GOAL} events/s or ≥ ${GOAL_RATIO * 100} % of the anchor: ${met ? 'met' : 'NOT met'}`
  )
  reportBench({
    path: `audit:verify ${TOTAL.toLocaleString('en')} events`,
    db: dialect,
    figure: `${figure.toFixed(0)} events/s`,
    anchor: `sha256 + serialisation loop ${anchor.toFixed(0)}/s`,
    ratio,
    goal: `≥ ${GOAL / 1000}k events/s or ≥ ${GOAL_RATIO * 100} %`,
    met,
  })
})
