import type { Logger } from '@adonisjs/core/logger'

type Watched = {
  on(event: 'error', listener: (error: Error) => void): unknown
  on(event: 'ready', listener: () => void): unknown
}

/**
 * The ioredis clients of one process (the producer, the workers', the
 * health check's) share one outage: it is logged when the first error
 * comes and again when a client is ready, not once per reconnect attempt
 * of every client. Watching a client also keeps its errors from being
 * "unhandled".
 */
export default class RedisOutageLog {
  #down = false

  constructor(private readonly logger: Logger) {}

  get down() {
    return this.#down
  }

  watch(client: Watched, role: string) {
    client.on('error', (error: Error) => {
      if (this.#down) return
      this.#down = true
      this.logger.error({ err: error, redisClient: role }, 'Redis unreachable: queue paused')
    })
    client.on('ready', () => {
      if (!this.#down) return
      this.#down = false
      this.logger.info({ redisClient: role }, 'Redis reachable again: queue resumed')
    })
    return client
  }
}
