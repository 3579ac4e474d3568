import { BaseMail } from '@adonisjs/mail'
import i18nManager from '@adonisjs/i18n/services/main'

export type ExpiringLot = {
  /** The program's name, already in the recipient's language */
  programName: string
  minutesLeft: number
  /** The lot's last valid day, YYYY-MM-DD */
  validTo: string
}

function escapeHtml(text: string) {
  return text
    .replaceAll('&', '&amp;')
    .replaceAll('<', '&lt;')
    .replaceAll('>', '&gt;')
    .replaceAll('"', '&quot;')
}

/**
 * Tells a resident that hours on their coupons will lapse soon: one line
 * per lot with the program, the hours left and the last day, written in
 * the recipient's language from resources/lang/<locale>/mail.json. Plain
 * text and a simple HTML part; the link opens the app.
 */
export default class CouponExpiryMail extends BaseMail {
  constructor(
    private options: {
      to: string
      locale: string
      name: string
      lots: ExpiringLot[]
      link: string
    }
  ) {
    super()
  }

  prepare() {
    const i18n = i18nManager.locale(this.options.locale)
    const subject = i18n.t('mail.coupon_expiry.subject')
    const body = i18n.t('mail.coupon_expiry.body', { name: this.options.name })
    const lines = this.options.lots.map((lot) =>
      i18n.t('mail.coupon_expiry.lot', {
        program: lot.programName,
        // Hours as the app shows them elsewhere: at most two decimals.
        hours: Math.round((lot.minutesLeft / 60) * 100) / 100,
        // valid_to is a calendar date; UTC keeps it from shifting a day.
        date: i18n.formatDate(new Date(`${lot.validTo}T00:00:00Z`), {
          dateStyle: 'long',
          timeZone: 'UTC',
        }),
      })
    )
    const closing = i18n.t('mail.coupon_expiry.closing')
    const signature = i18n.t('mail.signature')
    const link = this.options.link

    this.message.to(this.options.to).subject(subject)
    this.message.text([body, lines.join('\n'), closing, link, signature].join('\n\n'))
    this.message.html(
      [
        `<p>${escapeHtml(body).replaceAll('\n', '<br>')}</p>`,
        // The lines carry their own bullet (・ or -), as in the text part.
        `<p>${lines.map(escapeHtml).join('<br>')}</p>`,
        `<p>${escapeHtml(closing)}</p>`,
        `<p><a href="${escapeHtml(link)}">${escapeHtml(i18n.t('mail.coupon_expiry.action'))}</a></p>`,
        `<p>${escapeHtml(signature)}</p>`,
      ].join('')
    )
  }
}
