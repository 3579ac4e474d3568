import db from '@adonisjs/lucid/services/db'
import mail from '@adonisjs/mail/services/main'
import User from '#identity/user'
import AccountToken from '#identity/account_token'
import AccountMail from '#mail/account_mail'
import AuditTrail from '#audit/audit_trail'
import type { AuditSource } from '#audit/audit_event_input'
import AttemptThrottle, { SIGN_IN_LINK_RULES } from '#identity/attempt_throttle'
import { accountLinks } from '#identity/account_links'

/**
 * A one-time sign-in link by mail, offered when the account rule stops
 * password sign-ins (someone guessing from many addresses): the owner's
 * mailbox proves who they are, so the attacker cannot keep them out. The
 * link works once, for 15 minutes, and only its hash is stored; staff
 * still give their second factor after it. Requests are throttled per
 * account and per address, and the answer never tells whether the
 * address has an account.
 */
export default class SignInLink {
  static async request(email: string, source: AuditSource) {
    const throttled = await new AttemptThrottle(SIGN_IN_LINK_RULES).consume({
      email,
      ip: source.ip ?? 'unknown',
    })
    if (throttled) return
    const user = await User.findBy('email', email)
    if (!user || user.disabledAt || !user.emailVerifiedAt) return
    const secret = await AccountToken.issue(user, 'sign_in_link')
    await AuditTrail.record({
      municipalityId: null,
      action: 'auth.login.link_requested',
      source,
      destination: 'session.link',
      details: { user_id: user.id },
    })
    await mail.sendLater(
      new AccountMail({
        to: user.email,
        locale: user.preferredLocale,
        kind: 'sign_in_link',
        link: accountLinks.signInLink(secret),
      })
    )
  }

  /**
   * Whether the link would still sign in, without using it: opening the
   * link (a mail scanner or previewer may) only shows its button.
   */
  static async isUsable(secret: string) {
    return AccountToken.isUsable(secret, 'sign_in_link')
  }

  /**
   * The account the link signs in, once; null for an unknown, used or
   * expired link, or an account disabled since.
   */
  static async use(secret: string, source: AuditSource) {
    return db.transaction(async (trx) => {
      const token = await AccountToken.consume(secret, 'sign_in_link', trx)
      if (!token) return null
      const user = await User.find(token.userId, { client: trx })
      if (!user || user.disabledAt) return null
      await AuditTrail.record(
        {
          municipalityId: null,
          action: 'auth.login.link_used',
          actorUserId: user.id,
          source,
          destination: 'session.link',
        },
        trx
      )
      return user
    })
  }
}
