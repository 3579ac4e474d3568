import type { ApplicationService } from '@adonisjs/core/types'
import type { QueueConfig } from '#queue/types'

/**
 * Watches the queue workers from each web process (with Redis only: the
 * in-process queue has no worker to lose). The check cannot be a queue job:
 * with every worker gone, nothing would run it.
 */
export default class AlertsProvider {
  #timer: NodeJS.Timeout | undefined

  constructor(protected app: ApplicationService) {}

  async ready() {
    if (this.app.getEnvironment() !== 'web') return
    if (!this.app.config.get<QueueConfig>('queue').redis) return
    const { default: WorkerWatch } = await import('#alerts/worker_watch')
    const logger = await this.app.container.make('logger')
    const since = new Date()
    this.#timer = setInterval(() => {
      WorkerWatch.check(new Date(), since).catch((error) =>
        logger.error({ err: error }, 'worker watch failed')
      )
    }, 60_000)
    this.#timer.unref()
  }

  async shutdown() {
    clearInterval(this.#timer)
  }
}
