/*
| Redemptions per second through the real path: reserve, then post, each
| with its audit event in the same transaction. Run with bench/ledger.sh
| (a fresh database per run).
*/
import { performance } from 'node:perf_hooks'
import { withApp } from './boot.js'

const TOTAL = Number(process.env.BENCH_REDEMPTIONS ?? 1000)
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 16)

await withApp(async () => {
  const { default: db } = await import('@adonisjs/lucid/services/db')
  const { default: LedgerEngine } = await import('#ledger/ledger_engine')
  const { default: AuditTrail } = await import('#audit/audit_trail')
  const { default: Municipality } = await import('#models/municipality')
  const { default: Resident } = await import('#models/resident')

  const municipality = await Municipality.create({
    code: '999997',
    slug: `bench-${Date.now()}`,
    nameJa: 'ベンチ市',
    nameEn: 'Bench City',
  })
  const resident = await Resident.create({
    municipalityId: municipality.id,
    residentNumber: 'BENCH-1',
    familyName: '計測',
    givenName: '太郎',
    familyNameKana: 'ケイソク',
    givenNameKana: 'タロウ',
  })
  await LedgerEngine.grant({
    municipalityId: municipality.id,
    residentId: resident.id,
    pluginId: 'bench',
    programCode: 'bench',
    definitionVersion: 'v1',
    services: ['home_helper'],
    validFrom: '2026-01-01',
    validTo: '2026-12-31',
    minutes: TOTAL * 2 * 60,
  })

  let counter = 0
  async function redeemOnce() {
    const index = counter++
    await db.transaction(async (trx) => {
      const { redemptionId } = await LedgerEngine.reserve(
        {
          municipalityId: municipality.id,
          residentId: resident.id,
          pluginId: 'bench',
          programCode: 'bench',
          service: 'home_helper',
          visitDate: '2026-06-01',
          minutes: 60,
          idempotencyKey: `bench-${index}`,
          deductionPriority: ['home_helper'],
        },
        trx
      )
      await LedgerEngine.post(redemptionId, null, trx)
      await AuditTrail.record(
        {
          municipalityId: municipality.id,
          action: 'redemption.posted',
          subjectResidentId: resident.id,
          source: { channel: 'cli' },
          details: { redemption_id: redemptionId },
        },
        trx
      )
    })
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
      `${label}: ${count} redemptions in ${seconds.toFixed(2)} s = ${(count / seconds).toFixed(0)} /s`
    )
  }

  console.log(`database: ${db.connection().dialect.name}`)
  await measure('sequential (1 at a time)', Math.floor(TOTAL / 2), 1)
  await measure(`concurrent (${CONCURRENCY} at a time)`, Math.ceil(TOTAL / 2), CONCURRENCY)

  const { default: LedgerVerifier } = await import('#ledger/ledger_verifier')
  const violation = await LedgerVerifier.firstViolation()
  console.log(violation ? `ledger VIOLATION: ${violation.message}` : 'ledger verified: consistent')
})
