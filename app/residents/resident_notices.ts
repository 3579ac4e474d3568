import db from '@adonisjs/lucid/services/db'
import logger from '@adonisjs/core/services/logger'
import mail from '@adonisjs/mail/services/main'
import type { TransactionClientContract } from '@adonisjs/lucid/types/database'
import { appUrl } from '#config/app'
import AccountMail, { type AccountMailKind } from '#mail/account_mail'

export type ResidentNoticeKind = Extract<
  AccountMailKind,
  | 'application_approved'
  | 'application_rejected'
  | 'grant_issued'
  | 'redemption_approved'
  | 'redemption_rejected'
  | 'redemption_cancelled'
  | 'redemption_corrected'
  | 'redemption_corrected_confirm'
>

export type ResidentNotice = {
  kind: ResidentNoticeKind
  /** Values for the message (resources/lang/<locale>/mail.json); `name` is added */
  values: (locale: string) => Record<string, string>
  /** Path inside the app the mail links to, e.g. /m/minato/my/history */
  path: string
}

/**
 * Mails a resident about something that happened to their record
 * (application decided, grant issued, visit approved or cancelled), on the
 * queue, in their language. Only residents whose account is linked, whose
 * address is verified and whose account is not disabled get one. Inside a
 * transaction the mail is queued after the commit, so a rolled back change
 * never sends a notice.
 */
export default class ResidentNotices {
  static async send(residentId: number, notice: ResidentNotice, trx?: TransactionClientContract) {
    const queue = async () => {
      const recipient = await db
        .from('residents')
        .join('users', 'users.id', 'residents.user_id')
        .where('residents.id', residentId)
        .whereNotNull('users.email_verified_at')
        .whereNull('users.disabled_at')
        .select('users.email', 'users.full_name', 'users.preferred_locale')
        .first()
      if (!recipient) return
      const locale = String(recipient.preferred_locale)
      await mail.sendLater(
        new AccountMail({
          to: String(recipient.email),
          locale,
          kind: notice.kind,
          link: `${appUrl}${notice.path}`,
          values: { name: String(recipient.full_name), ...notice.values(locale) },
        })
      )
    }
    if (!trx) return queue()
    // Lucid swallows errors of after-commit hooks; the change stands, so the
    // missing notice is logged rather than failing the request.
    trx.after('commit', () =>
      queue().catch((error) =>
        logger.error({ err: error, residentId }, 'resident notice not queued')
      )
    )
  }
}
