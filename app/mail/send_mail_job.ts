import mail from '@adonisjs/mail/services/main'
import type { MailersList } from '@adonisjs/mail/types'
import { Job } from '#queue/job'

type Payload = {
  mailerName: keyof MailersList
  mailMessage: Parameters<ReturnType<typeof mail.use>['sendCompiled']>[0]
  config?: unknown
}

/**
 * Delivers a mail queued with `mail.sendLater` (see start/mail.ts), with the
 * queue's retries when the mail server is briefly away.
 */
export default class SendMailJob extends Job<Payload> {
  static jobName = 'send_mail'
  static attempts = 5

  async handle({ mailerName, mailMessage, config }: Payload) {
    await mail.use(mailerName).sendCompiled(mailMessage, config)
  }
}
