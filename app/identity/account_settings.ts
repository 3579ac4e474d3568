import { DateTime } from 'luxon'
import hash from '@adonisjs/core/services/hash'
import db from '@adonisjs/lucid/services/db'
import mail from '@adonisjs/mail/services/main'
import User from '#identity/user'
import AccountToken from '#identity/account_token'
import AccountMail from '#mail/account_mail'
import AuditTrail from '#audit/audit_trail'
import type { AuditSource } from '#audit/audit_event_input'
import AccountSessions from '#identity/account_sessions'
import { accountLinks } from '#identity/account_links'

export type SettingsResult = 'done' | 'wrong_password'

/**
 * Changes a signed-in person makes to their own account. Both need the
 * current password (ASVS 6.2.3); a new password ends the other sessions,
 * a new address must be confirmed from that address before it is used.
 */
export default class AccountSettings {
  static async changePassword(
    user: User,
    input: { currentPassword: string; password: string },
    context: { source: AuditSource; keepSessionId: string }
  ): Promise<SettingsResult> {
    if (!(await hash.verify(user.password, input.currentPassword))) return 'wrong_password'
    await db.transaction(async (trx) => {
      const account = await User.findOrFail(user.id, { client: trx })
      account.password = input.password
      await account.save()
      await AuditTrail.record(
        {
          municipalityId: null,
          action: 'account.password_changed',
          actorUserId: user.id,
          source: context.source,
          destination: 'account.password',
        },
        trx
      )
    })
    await AccountSessions.endAll(user.id, context.keepSessionId)
    await mail.sendLater(
      new AccountMail({ to: user.email, locale: user.preferredLocale, kind: 'password_changed' })
    )
    return 'done'
  }

  static async requestEmailChange(
    user: User,
    input: { currentPassword: string; email: string },
    source: AuditSource
  ): Promise<SettingsResult> {
    if (!(await hash.verify(user.password, input.currentPassword))) return 'wrong_password'
    // An address in use gets the same answer as a free one (no account
    // enumeration): its owner is told someone tried, and nothing changes.
    if (await User.findBy('email', input.email)) {
      await AuditTrail.record({
        municipalityId: null,
        action: 'account.email_change_refused',
        outcome: 'denied',
        actorUserId: user.id,
        source,
        destination: 'account.email',
      })
      await mail.sendLater(
        new AccountMail({
          to: input.email,
          locale: user.preferredLocale,
          kind: 'email_change_taken',
        })
      )
      return 'done'
    }
    const secret = await AccountToken.issue(user, 'change_email', { newEmail: input.email })
    await AuditTrail.record({
      municipalityId: null,
      action: 'account.email_change_requested',
      actorUserId: user.id,
      source,
      destination: 'account.email',
    })
    await mail.sendLater(
      new AccountMail({
        to: input.email,
        locale: user.preferredLocale,
        kind: 'change_email',
        link: accountLinks.confirmEmailChange(secret),
      })
    )
    return 'done'
  }

  /**
   * Completes an address change from the link sent to the new address and
   * tells the old address. False for a bad link or a meanwhile taken address.
   */
  static async confirmEmailChange(secret: string, source: AuditSource) {
    const change = await db.transaction(async (trx) => {
      const token = await AccountToken.consume(secret, 'change_email', trx)
      if (!token?.newEmail) return null
      if (await User.query({ client: trx }).where('email', token.newEmail).first()) return null
      const user = await User.findOrFail(token.userId, { client: trx })
      const oldEmail = user.email
      user.email = token.newEmail
      user.emailVerifiedAt = DateTime.now()
      await user.save()
      await AuditTrail.record(
        {
          municipalityId: null,
          action: 'account.email_changed',
          actorUserId: user.id,
          source,
          destination: 'account.email_confirm',
        },
        trx
      )
      return { user, oldEmail }
    })
    if (!change) return false
    await mail.sendLater(
      new AccountMail({
        to: change.oldEmail,
        locale: change.user.preferredLocale,
        kind: 'email_changed',
        values: { email: change.user.email },
      })
    )
    return true
  }
}
