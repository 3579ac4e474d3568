import type { ApplicationService } from '@adonisjs/core/types'
import QueueManager from '#queue/queue_manager'
import type { QueueConfig } from '#queue/types'

declare module '@adonisjs/core/types' {
  interface ContainerBindings {
    queue: QueueManager
  }
}

export default class QueueProvider {
  constructor(protected app: ApplicationService) {}

  register() {
    this.app.container.singleton('queue', async (resolver) => {
      const logger = await resolver.make('logger')
      return new QueueManager(this.app.config.get<QueueConfig>('queue'), logger)
    })
  }

  /**
   * The embedded default (no Redis) runs recurring jobs inside the web
   * process; with Redis the worker process installs them instead.
   */
  async ready() {
    if (this.app.getEnvironment() !== 'web') return
    const queue = await this.app.container.make('queue')
    if (queue.driver !== 'in_process') return
    // Without Redis this process is the worker
    await queue.startSchedules()
    queue.keepAlive()
  }

  async shutdown() {
    const queue = await this.app.container.make('queue')
    await queue.close()
  }
}
