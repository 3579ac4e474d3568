import { BaseCommand, flags } from '@adonisjs/core/ace'
import type { CommandOptions } from '@adonisjs/core/types/ace'

/**
 * The recent CSV jobs (every municipality) and, with Redis, the recent
 * BullMQ jobs: id, kind, status, age, attempts, error. A CSV job whose
 * worker or dispatch died shows as "stale"; `jobs:retry <id>` runs it again.
 */
export default class JobsList extends BaseCommand {
  static commandName = 'jobs:list'
  static description = 'List recent CSV jobs and queue (BullMQ) jobs, with stale ones flagged'

  static options: CommandOptions = { startApp: true }

  @flags.number({ description: 'How many of each', alias: 'n', default: 20 })
  declare limit: number

  async run() {
    const { default: CsvJob } = await import('#csv/csv_job')
    const { default: CsvJobs } = await import('#csv/csv_jobs')
    const { QueueUnavailableError } = await import('#queue/queue_unavailable_error')
    const queue = await this.app.container.make('queue')
    const now = Date.now()

    const staleJobs = await CsvJobs.stale()
    const stale = new Set(staleJobs.map((job) => job.id))
    const csvJobs = await CsvJob.query().orderBy('id', 'desc').limit(this.limit)
    const table = this.ui.table().head(['id', 'kind', 'status', 'age', 'attempts', 'error'])
    for (const job of csvJobs) {
      const failure = (job.result?.failure as { code?: string } | undefined)?.code ?? ''
      table.row([
        `csv:${job.id}`,
        job.kind,
        stale.has(job.id) ? `${job.status} (stale)` : job.status,
        ageOf(now - job.createdAt.toMillis()),
        String(job.attempts),
        failure,
      ])
    }

    try {
      for (const job of await queue.recentJobs(this.limit)) {
        table.row([
          `queue:${job.id}`,
          job.name,
          job.state,
          ageOf(now - job.createdAt.getTime()),
          String(job.attemptsMade),
          job.error ?? '',
        ])
      }
    } catch (error) {
      if (!(error instanceof QueueUnavailableError)) throw error
      this.logger.warning('Redis is unreachable: queue jobs not listed')
    }
    table.render()
    if (stale.size > 0) {
      this.logger.warning(`${stale.size} stale CSV job(s): run "node ace jobs:retry csv:<id>"`)
    }
  }
}

function ageOf(ms: number) {
  const seconds = Math.max(0, Math.round(ms / 1000))
  if (seconds < 120) return `${seconds}s`
  const minutes = Math.round(seconds / 60)
  if (minutes < 120) return `${minutes}m`
  const hours = Math.round(minutes / 60)
  return hours < 48 ? `${hours}h` : `${Math.round(hours / 24)}d`
}
