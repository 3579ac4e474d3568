import { BaseMail } from '@adonisjs/mail'
import i18nManager from '@adonisjs/i18n/services/main'

export type AccountMailKind =
  | 'verify_email'
  | 'already_registered'
  | 'reset_password'
  | 'change_email'
  // Someone asked to move their account to an address that has one
  | 'email_change_taken'
  | 'email_changed'
  | 'password_changed'
  | 'sign_in_link'
  | 'invitation'
  // The audit chains' heads, to the operator (app/audit/audit_anchors.ts)
  | 'audit_anchors'
  // Alerts to operators and administrators (app/alerts/alert_notices.ts)
  | 'alert_opened'
  | 'alert_resolved'
  // An account made by `node ace operator:create --invite`: set a password
  | 'account_created'
  // Notices to residents (app/residents/resident_notices.ts)
  | 'application_approved'
  | 'application_rejected'
  | 'grant_issued'
  | 'redemption_approved'
  | 'redemption_rejected'
  | 'redemption_cancelled'
  // The provider corrected a visit's hours (down; up: the resident confirms)
  | 'redemption_corrected'
  | 'redemption_corrected_confirm'

function escapeHtml(text: string) {
  return text
    .replaceAll('&', '&amp;')
    .replaceAll('<', '&lt;')
    .replaceAll('>', '&gt;')
    .replaceAll('"', '&quot;')
}

/**
 * The account mails (verification, reset, changes) and the notices to
 * residents (application results, grants, visits), written in the
 * recipient's language from resources/lang/<locale>/mail.json. Plain text
 * and a simple HTML part; the link is the only call to action.
 */
export default class AccountMail extends BaseMail {
  constructor(
    private options: {
      to: string
      locale: string
      kind: AccountMailKind
      link?: string
      values?: Record<string, string>
    }
  ) {
    super()
  }

  prepare() {
    const i18n = i18nManager.locale(this.options.locale)
    const key = `mail.${this.options.kind}`
    const values = { ...this.options.values, link: this.options.link ?? '' }
    const subject = i18n.t(`${key}.subject`, values)
    const body = i18n.t(`${key}.body`, values)
    const signature = i18n.t('mail.signature')
    const link = this.options.link

    this.message.to(this.options.to).subject(subject)
    this.message.text([body, link ?? '', signature].filter(Boolean).join('\n\n'))
    this.message.html(
      [
        `<p>${escapeHtml(body).replaceAll('\n', '<br>')}</p>`,
        link
          ? `<p><a href="${escapeHtml(link)}">${escapeHtml(i18n.t(`${key}.action`))}</a></p>`
          : '',
        `<p>${escapeHtml(signature)}</p>`,
      ].join('')
    )
  }
}
