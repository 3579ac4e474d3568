import { readdir, readFile } from 'node:fs/promises'
import { join } from 'node:path'
import app from '@adonisjs/core/services/app'

export type OutboxMessage = { file: string; to: string; subject: string; text: string }

function addresses(value: unknown): string {
  const list = Array.isArray(value) ? value : [value]
  return list
    .map((entry) => (typeof entry === 'string' ? entry : (entry as { address?: string })?.address))
    .filter(Boolean)
    .join(', ')
}

/**
 * Reads the local outbox written by OutboxTransport.
 */
export default class Outbox {
  // Tests write to their own outbox, never the developer's.
  static directory = app.tmpPath(app.inTest ? 'outbox-test' : 'outbox')

  static async latest(limit: number): Promise<OutboxMessage[]> {
    let entries: string[]
    try {
      entries = await readdir(this.directory)
    } catch {
      return []
    }
    const files = entries.filter((file) => file.endsWith('.json'))
    const newest = files.sort().reverse().slice(0, limit)
    return Promise.all(
      newest.map(async (file) => {
        const data = JSON.parse(await readFile(join(this.directory, file), 'utf8'))
        return { file, to: addresses(data.to), subject: data.subject ?? '', text: data.text ?? '' }
      })
    )
  }

  /**
   * The newest message to an address (tests follow its link).
   */
  static async latestTo(address: string) {
    const messages = await this.latest(200)
    return messages.find((message) => message.to.includes(address)) ?? null
  }
}
