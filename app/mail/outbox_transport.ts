import { mkdir, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { JSONTransport } from '@adonisjs/mail/transports/json'
import type { MailTransportContract, NodeMailerMessage } from '@adonisjs/mail/types'

/**
 * The embedded default's mail "delivery": each message is written as JSON
 * to tmp/outbox, where developers open it (also at /dev/outbox) and tests
 * read verification links.
 */
export default class OutboxTransport implements MailTransportContract {
  #json = new JSONTransport()

  constructor(private directory: string) {}

  async send(message: NodeMailerMessage) {
    const response = await this.#json.send(message)
    await mkdir(this.directory, { recursive: true })
    const stamp = new Date().toISOString().replace(/[:.]/g, '-')
    const id = response.messageId.replace(/[^\w.-]/g, '_')
    await writeFile(join(this.directory, `${stamp}_${id}.json`), String(response.original.message))
    return response
  }
}
