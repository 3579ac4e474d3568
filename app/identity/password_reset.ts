import { DateTime } from 'luxon'
import db from '@adonisjs/lucid/services/db'
import mail from '@adonisjs/mail/services/main'
import User from '#identity/user'
import AccountToken from '#identity/account_token'
import AccountMail from '#mail/account_mail'
import AuditTrail from '#audit/audit_trail'
import type { AuditSource } from '#audit/audit_event_input'
import AttemptThrottle, { RESET_RULES } from '#identity/attempt_throttle'
import AccountSessions from '#identity/account_sessions'
import { accountLinks } from '#identity/account_links'

/**
 * "Forgot my password": a single-use link by mail, valid for one hour.
 * Requests are throttled per account and per address; the answer never
 * tells whether the address has an account.
 */
export default class PasswordReset {
  constructor(private throttle = new AttemptThrottle(RESET_RULES)) {}

  /**
   * Returns the seconds to wait when throttled, null otherwise.
   */
  async request(email: string, source: AuditSource): Promise<number | null> {
    const ip = source.ip ?? 'unknown'
    const throttled = await this.throttle.consume({ email, ip })
    if (throttled) {
      await AuditTrail.record({
        municipalityId: null,
        action: 'account.password_reset_throttled',
        outcome: 'denied',
        source,
        destination: 'forgot_password',
      })
      return throttled.retryAfterSeconds
    }

    const user = await User.findBy('email', email)
    if (!user || user.disabledAt) return null
    const secret = await AccountToken.issue(user, 'reset_password')
    await AuditTrail.record({
      municipalityId: null,
      action: 'account.password_reset_requested',
      actorUserId: null,
      source,
      destination: 'forgot_password',
      details: { user_id: user.id },
    })
    await mail.sendLater(
      new AccountMail({
        to: user.email,
        locale: user.preferredLocale,
        kind: 'reset_password',
        link: accountLinks.resetPassword(secret),
      })
    )
    return null
  }

  /**
   * Sets the new password if the link is still good, and ends every
   * session of the account. Returns false for a bad link.
   */
  async reset(secret: string, password: string, source: AuditSource) {
    const user = await db.transaction(async (trx) => {
      // An invitation link is a first "reset": it also proves the mailbox.
      const token = await AccountToken.consume(secret, ['reset_password', 'invitation'], trx)
      if (!token) return null
      const found = await User.findOrFail(token.userId, { client: trx })
      found.password = password
      if (token.purpose === 'invitation') found.emailVerifiedAt ??= DateTime.now()
      await found.save()
      await AuditTrail.record(
        {
          municipalityId: null,
          action: 'account.password_reset',
          actorUserId: found.id,
          source,
          destination: 'reset_password',
        },
        trx
      )
      return found
    })
    if (!user) return false
    await AccountSessions.endAll(user.id)
    await mail.sendLater(
      new AccountMail({ to: user.email, locale: user.preferredLocale, kind: 'password_changed' })
    )
    return true
  }
}
