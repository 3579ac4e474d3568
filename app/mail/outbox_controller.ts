import type { HttpContext } from '@adonisjs/core/http'
import Outbox from '#mail/outbox'

/**
 * Shows the mails the embedded default "sent" (tmp/outbox), newest first,
 * so a developer can follow verification and reset links. Not routed in
 * production.
 */
export default class OutboxController {
  async index({ inertia }: HttpContext) {
    return inertia.render('mail/outbox', { messages: await Outbox.latest(50) })
  }
}
