import env from '#start/env'
import { defineConfig, transports } from '@adonisjs/mail'
import OutboxTransport from '#mail/outbox_transport'
import Outbox from '#mail/outbox'

const mailConfig = defineConfig({
  default: env.get('MAIL_MAILER', 'outbox'),
  from: {
    address: env.get('MAIL_FROM_ADDRESS', 'no-reply@tomoni.example'),
    name: env.get('MAIL_FROM_NAME', 'Tomoni'),
  },
  mailers: {
    outbox: () => new OutboxTransport(Outbox.directory),
    smtp: transports.smtp({
      host: env.get('SMTP_HOST', '127.0.0.1'),
      port: env.get('SMTP_PORT', 587),
      secure: env.get('SMTP_SECURE', false),
      auth: env.get('SMTP_USERNAME')
        ? { type: 'login', user: env.get('SMTP_USERNAME')!, pass: env.get('SMTP_PASSWORD', '') }
        : undefined,
    }),
  },
})

export default mailConfig

declare module '@adonisjs/mail/types' {
  export interface MailersList extends InferMailers<typeof mailConfig> {}
}
