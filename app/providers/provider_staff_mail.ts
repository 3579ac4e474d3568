import { BaseMail } from '@adonisjs/mail'
import i18nManager from '@adonisjs/i18n/services/main'

function escapeHtml(text: string) {
  return text
    .replaceAll('&', '&amp;')
    .replaceAll('<', '&lt;')
    .replaceAll('>', '&gt;')
    .replaceAll('"', '&quot;')
}

/**
 * The mail a provider's staff member gets when invited, by the municipality
 * or by the provider's administrator, in the recipient's language
 * (staff_providers.mail.invitation): the link to accept the invitation,
 * the same whether or not the address has an account.
 */
export default class ProviderStaffMail extends BaseMail {
  constructor(
    private options: {
      to: string
      locale: string
      link: string
      values: { name: string; provider: string; municipality: string; role: string }
    }
  ) {
    super()
  }

  prepare() {
    const i18n = i18nManager.locale(this.options.locale)
    const key = 'staff_providers.mail.invitation'
    const values = { ...this.options.values, link: this.options.link }
    const body = i18n.t(`${key}.body`, values)
    const signature = i18n.t('mail.signature')

    this.message.to(this.options.to).subject(i18n.t(`${key}.subject`, values))
    this.message.text([body, this.options.link, signature].join('\n\n'))
    this.message.html(
      [
        `<p>${escapeHtml(body).replaceAll('\n', '<br>')}</p>`,
        `<p><a href="${escapeHtml(this.options.link)}">${escapeHtml(i18n.t(`${key}.action`))}</a></p>`,
        `<p>${escapeHtml(signature)}</p>`,
      ].join('')
    )
  }
}
