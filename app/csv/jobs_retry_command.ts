import { args, BaseCommand } from '@adonisjs/core/ace'
import type { CommandOptions } from '@adonisjs/core/types/ace'

/**
 * Runs a job again, by the id `jobs:list` shows: `csv:<n>` (a failed or
 * stale CSV job; a finished one is refused, so an import is never
 * committed twice) or `queue:<id>` (a failed BullMQ job).
 */
export default class JobsRetry extends BaseCommand {
  static commandName = 'jobs:retry'
  static description = 'Run a failed or stale job again (ids as jobs:list shows them)'

  static options: CommandOptions = { startApp: true }

  @args.string({ description: 'csv:<id> (or just the number) or queue:<id>' })
  declare id: string

  async run() {
    const { QueueUnavailableError } = await import('#queue/queue_unavailable_error')
    try {
      this.exitCode = this.id.startsWith('queue:')
        ? await this.#retryQueued(this.id.slice('queue:'.length))
        : await this.#retryCsv(Number(this.id.replace(/^csv:/, '')))
    } catch (error) {
      const unavailable =
        error instanceof QueueUnavailableError ||
        (error instanceof Error && error.cause instanceof QueueUnavailableError)
      if (!unavailable) throw error
      this.logger.error('Redis is unreachable: nothing was queued. Try again when it is back.')
      this.exitCode = 1
    }
  }

  async #retryCsv(id: number) {
    const { default: CsvJobs } = await import('#csv/csv_jobs')
    if (!Number.isInteger(id)) {
      this.logger.error(`Not a job id: ${this.id}`)
      return 1
    }
    const outcome = await CsvJobs.retry(id)
    const messages = {
      retried: `CSV job ${id} queued again`,
      not_found: `No CSV job ${id}`,
      finished: `CSV job ${id} has finished: not run again`,
      running: `CSV job ${id} is running with a live worker: not run again`,
    }
    if (outcome === 'retried') {
      this.logger.success(messages.retried)
      const queue = await this.app.container.make('queue')
      await queue.drain()
      return 0
    }
    this.logger.error(messages[outcome])
    return 1
  }

  async #retryQueued(id: string) {
    const queue = await this.app.container.make('queue')
    if (await queue.retryJob(id)) {
      this.logger.success(`Queue job ${id} queued again`)
      return 0
    }
    this.logger.error(`Queue job ${id} is not a failed job`)
    return 1
  }
}
