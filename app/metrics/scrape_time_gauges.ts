import { Gauge } from 'prom-client'
import db from '@adonisjs/lucid/services/db'
import queue from '#queue/queue'
import { metricsRegistry } from '#metrics/metrics_registry'

/** BullMQ's states a job waits, runs or ended badly in */
const QUEUE_STATES = ['waiting', 'active', 'delayed', 'failed'] as const

/** The jobs of one state read for the by-name breakdown (failed ones are kept up to 5,000) */
const JOBS_READ_PER_STATE = 1000

new Gauge({
  name: 'tomoni_queue_jobs',
  help: 'Jobs in the queue by state (waiting, active, delayed, failed); Redis only',
  labelNames: ['state'] as const,
  registers: [metricsRegistry],
  async collect() {
    this.reset()
    if (queue.driver !== 'redis') return
    const counts = await queue.bullQueue().getJobCounts(...QUEUE_STATES)
    for (const state of QUEUE_STATES) this.set({ state }, counts[state] ?? 0)
  },
})

new Gauge({
  name: 'tomoni_queue_jobs_by_job',
  help: `Jobs in the queue by job and state (the first ${JOBS_READ_PER_STATE} of each state); Redis only`,
  labelNames: ['job', 'state'] as const,
  registers: [metricsRegistry],
  async collect() {
    this.reset()
    if (queue.driver !== 'redis') return
    for (const state of QUEUE_STATES) {
      const jobs = await queue.bullQueue().getJobs([state], 0, JOBS_READ_PER_STATE - 1)
      for (const job of jobs) if (job) this.inc({ job: job.name, state })
    }
  },
})

new Gauge({
  name: 'tomoni_audit_chain_length',
  help: 'Events on each audit chain (its last sequence number)',
  labelNames: ['chain'] as const,
  registers: [metricsRegistry],
  async collect() {
    this.reset()
    const heads = await db.from('audit_chain_heads').select('chain_key', 'last_sequence')
    for (const head of heads)
      this.set({ chain: String(head.chain_key) }, Number(head.last_sequence))
  },
})

new Gauge({
  name: 'tomoni_queue_oldest_waiting_seconds',
  help: 'How long the oldest job waiting for a worker has waited (0: none waits); Redis only',
  registers: [metricsRegistry],
  async collect() {
    this.reset()
    if (queue.driver !== 'redis') return
    const [oldest] = await queue.bullQueue().getJobs(['wait'], 0, 0, true)
    this.set(oldest ? Math.max(0, (Date.now() - oldest.timestamp) / 1000) : 0)
  },
})

/*
| The outbox's lag: a CSV job is written (with its audit event) before it is
| handed to the queue, so a job not handed over yet is what an outbox would
| hold. A dispatch that fails marks it failed; one left behind by a process
| that died is failed by csv_sweep after two minutes. Both drivers.
*/
new Gauge({
  name: 'tomoni_csv_jobs_undispatched_oldest_seconds',
  help: 'How long the oldest CSV job written but not yet handed to the queue has waited (0: none)',
  registers: [metricsRegistry],
  async collect() {
    this.reset()
    const oldest = await db
      .from('csv_jobs')
      .where('status', 'queued')
      .whereNull('dispatched_at')
      .min('created_at as created_at')
      .first()
    const createdAt = oldest?.created_at ? new Date(oldest.created_at) : null
    this.set(createdAt ? Math.max(0, (Date.now() - createdAt.getTime()) / 1000) : 0)
  },
})

const BACKUP_AGE = 'tomoni_backup_age_seconds'

/**
 * Exposes the age of the last successful backup (+Inf before the first),
 * read from the backup module's status given by the composition root
 * (start/health.ts); undefined withdraws the metric.
 */
export function measureBackupAge(lastSuccessfulBackupAt: (() => Promise<Date | null>) | undefined) {
  metricsRegistry.removeSingleMetric(BACKUP_AGE)
  if (!lastSuccessfulBackupAt) return
  new Gauge({
    name: BACKUP_AGE,
    help: 'Age of the last successful backup (+Inf before the first)',
    registers: [metricsRegistry],
    async collect() {
      const at = await lastSuccessfulBackupAt()
      this.set(at ? (Date.now() - at.getTime()) / 1000 : Infinity)
    },
  })
}
