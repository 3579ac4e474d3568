/*
| Redemptions per second through the real path of the postpartum program:
| the program's rules (visit, one a day, sub-caps) checked under the lock,
| reserve then approve, each step in its own transaction with its audit
| event, as a resident's scan and a provider's approval would be. Run with
| bench/ledger.sh (a fresh database per run).
*/
import { execFileSync } from 'node:child_process'
import { performance } from 'node:perf_hooks'
import { withApp } from './boot.js'
import { reportBench } from './report.js'

const TOTAL = Number(process.env.BENCH_REDEMPTIONS ?? 1000)
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 16)
const RESIDENTS = Number(process.env.BENCH_RESIDENTS ?? 100)
const program = { pluginId: 'postpartum_support', programCode: 'postpartum' }

await withApp(async () => {
  const { default: db } = await import('@adonisjs/lucid/services/db')
  const { default: CouponIssuance } = await import('#ledger/coupon_issuance')
  const { default: CouponRedemption } = await import('#ledger/coupon_redemption')
  const { default: LedgerVerifier } = await import('#ledger/ledger_verifier')
  const { default: Municipality } = await import('#tenancy/municipality')
  const { default: Resident } = await import('#residents/resident')
  const { default: Child } = await import('#residents/child')

  const municipality = await Municipality.create({
    code: '999997',
    slug: `bench-${Date.now()}`,
    nameJa: 'ベンチ市',
    nameEn: 'Bench City',
  })
  await db.table('municipality_plugins').insert({
    municipality_id: municipality.id,
    plugin_id: program.pluginId,
    created_at: new Date(),
  })
  const by = {
    actorUserId: null,
    actorRole: 'municipal_staff',
    source: { channel: 'cli' as const },
  }

  const residents: number[] = []
  const issueStarted = performance.now()
  for (let index = 0; index < RESIDENTS; index++) {
    const resident = await Resident.create({
      municipalityId: municipality.id,
      residentNumber: `BENCH-${index}`,
      familyName: '計測',
      givenName: '太郎',
      familyNameKana: 'ケイソク',
      givenNameKana: 'タロウ',
    })
    const child = await Child.create({
      municipalityId: municipality.id,
      residentId: resident.id,
      birthDate: '2026-01-01',
      multipleBirth: false,
    })
    await CouponIssuance.issue(
      {
        ...program,
        municipalityId: municipality.id,
        residentId: resident.id,
        childId: child.id,
        issueDate: '2026-01-01',
      },
      by
    )
    residents.push(resident.id)
  }
  const issueSeconds = (performance.now() - issueStarted) / 1000
  console.log(
    `database: ${db.connection().dialect.name}\n` +
      `issuance: ${RESIDENTS} residents × 3 lots in ${issueSeconds.toFixed(2)} s = ` +
      `${(RESIDENTS / issueSeconds).toFixed(0)} residents/s`
  )

  // One visit a day per resident: the n-th redemption goes to resident
  // n mod RESIDENTS on day n div RESIDENTS.
  let counter = 0
  async function redeemOnce() {
    const index = counter++
    const visitDate = new Date(Date.UTC(2026, 1, 1 + Math.floor(index / RESIDENTS)))
    const { redemptionId } = await CouponRedemption.reserve(
      {
        ...program,
        municipalityId: municipality.id,
        residentId: residents[index % RESIDENTS],
        service: index % 4 === 0 ? 'doula' : 'home_helper',
        visitDate: visitDate.toISOString().slice(0, 10),
        visitStart: '10:00',
        minutes: 60,
        idempotencyKey: `bench-${index}`,
      },
      by
    )
    await CouponRedemption.approve(municipality.id, redemptionId, by)
  }

  async function measure(label: string, count: number, concurrency: number) {
    const started = performance.now()
    let next = 0
    await Promise.all(
      Array.from({ length: concurrency }, async () => {
        while (next < count) {
          next++
          await redeemOnce()
        }
      })
    )
    const seconds = (performance.now() - started) / 1000
    console.log(
      `${label}: ${count} redemptions (reserve + approve) in ${seconds.toFixed(2)} s = ` +
        `${(count / seconds).toFixed(0)} /s`
    )
    return count / seconds
  }

  await measure('sequential (1 at a time)', Math.floor(TOTAL / 2), 1)
  const concurrent = await measure(
    `concurrent (${CONCURRENCY} at a time)`,
    Math.ceil(TOTAL / 2),
    CONCURRENCY
  )
  const dialect = db.connection().dialect.name
  const anchor = dialect === 'postgres' ? pgbenchTps(CONCURRENCY) : null
  if (anchor) console.log(`anchor: pgbench TPC-B -c${CONCURRENCY} = ${anchor.toFixed(0)} tps`)
  const ratio = anchor ? concurrent / anchor : null
  reportBench({
    path: `ledger reserve + approve with audit, ${CONCURRENCY} concurrent`,
    db: dialect,
    figure: `${concurrent.toFixed(0)} /s`,
    anchor: anchor ? `pgbench TPC-B ${anchor.toFixed(0)} tps` : '—',
    ratio,
    goal: anchor ? '≥ 25 % of pgbench' : '—',
    met: ratio === null ? null : ratio >= 0.25,
  })

  const audited = await db
    .from('audit_events')
    .where('municipality_id', municipality.id)
    .count('* as total')
  console.log(`audit events written: ${audited[0].total}`)
  const violation = await LedgerVerifier.firstViolation()
  console.log(violation ? `ledger VIOLATION: ${violation.message}` : 'ledger verified: consistent')
})

/**
 * The machine's own ceiling for small write transactions: pgbench's TPC-B
 * on a scratch database of the same server, run right after the ledger.
 */
function pgbenchTps(clients: number) {
  const connection = [
    '-h',
    process.env.PG_HOST ?? '127.0.0.1',
    '-U',
    process.env.PG_USER ?? 'postgres',
  ]
  const scratch = `${process.env.PG_DB_NAME ?? 'tomoni_bench'}_pgbench`
  execFileSync('psql', [
    ...connection,
    '-q',
    '-c',
    `DROP DATABASE IF EXISTS ${scratch}`,
    '-c',
    `CREATE DATABASE ${scratch}`,
  ])
  execFileSync('pgbench', [...connection, '-i', '-q', '-s', '1', scratch], { stdio: 'ignore' })
  const output = execFileSync(
    'pgbench',
    [...connection, '-c', String(clients), '-j', '2', '-T', '10', scratch],
    {
      encoding: 'utf8',
    }
  )
  execFileSync('psql', [...connection, '-q', '-c', `DROP DATABASE IF EXISTS ${scratch}`])
  const tps = /tps = ([\d.]+)/.exec(output)
  return tps ? Number(tps[1]) : null
}
