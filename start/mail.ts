/*
| mail.sendLater goes through our queue: BullMQ on Redis when configured,
| in-process otherwise.
*/
import mail from '@adonisjs/mail/services/main'
import queue from '#queue/queue'
import SendMailJob from '#mail/send_mail_job'

mail.setMessenger((mailer) => ({
  async queue(mailMessage, config) {
    await queue.dispatch(SendMailJob, { mailerName: mailer.name as any, mailMessage, config })
  },
}))
