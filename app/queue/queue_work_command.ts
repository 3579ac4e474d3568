import { BaseCommand, flags } from '@adonisjs/core/ace'
import type { CommandOptions } from '@adonisjs/core/types/ace'

/**
 * Runs queued jobs from Redis until stopped (SIGTERM/SIGINT finish the
 * jobs in hand, then exit). Start as many as the load needs.
 */
export default class QueueWork extends BaseCommand {
  static commandName = 'queue:work'
  static description = 'Run background jobs from the Redis queue (BullMQ worker)'

  static options: CommandOptions = {
    startApp: true,
    staysAlive: true,
  }

  @flags.number({ description: 'Jobs to run at the same time', alias: 'c' })
  declare concurrency?: number

  async run() {
    const queue = await this.app.container.make('queue')
    if (queue.driver !== 'redis') {
      this.logger.error(
        'REDIS_HOST is not set: without Redis, jobs run inside the web process and no worker is needed.'
      )
      this.exitCode = 1
      await this.terminate()
      return
    }

    await queue.startSchedules()
    queue.keepAlive()
    const worker = queue.startWorker(this.concurrency)
    await worker.waitUntilReady()
    this.logger.info(`queue:work listening on "${queue.queueName}"`)

    const stop = async () => {
      this.logger.info('queue:work stopping after the jobs in hand')
      await this.terminate()
    }
    process.once('SIGTERM', stop)
    process.once('SIGINT', stop)
  }
}
