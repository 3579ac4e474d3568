import { DateTime } from 'luxon'
import db from '@adonisjs/lucid/services/db'
import mail from '@adonisjs/mail/services/main'
import User from '#models/user'
import AccountToken from '#models/account_token'
import AccountMail from '#mails/account_mail'
import AuditTrail from '#audit/audit_trail'
import type { AuditSource } from '#audit/audit_event_input'
import { accountLinks } from '#services/account_links'

/**
 * Self-service sign-up. The answer is the same whether or not the address
 * already has an account (no account enumeration): a new address gets a
 * verification link, a known one a note that it is already registered.
 */
export default class Registration {
  static async register(
    input: { fullName: string; email: string; password: string; locale: string },
    source: AuditSource
  ) {
    const existing = await User.findBy('email', input.email)
    if (existing) {
      await mail.sendLater(
        new AccountMail({
          to: existing.email,
          locale: existing.preferredLocale,
          kind: 'already_registered',
          link: accountLinks.forgotPassword(),
        })
      )
      await AuditTrail.record({
        municipalityId: null,
        action: 'account.registration_repeated',
        outcome: 'denied',
        actorUserId: null,
        source,
        destination: 'register',
        details: { user_id: existing.id },
      })
      return
    }

    const { user, secret } = await db.transaction(async (trx) => {
      const created = await User.create(
        {
          email: input.email,
          password: input.password,
          fullName: input.fullName,
          preferredLocale: input.locale,
        },
        { client: trx }
      )
      const token = await AccountToken.issue(created, 'verify_email', { client: trx })
      await AuditTrail.record(
        {
          municipalityId: null,
          action: 'account.registered',
          actorUserId: created.id,
          source,
          destination: 'register',
        },
        trx
      )
      return { user: created, secret: token }
    })
    await this.#sendVerification(user, secret)
  }

  /**
   * Confirms an address from its link. Returns false for an unknown,
   * expired or already used link.
   */
  static async verifyEmail(secret: string, source: AuditSource) {
    return db.transaction(async (trx) => {
      const token = await AccountToken.consume(secret, 'verify_email', trx)
      if (!token) return false
      const user = await User.findOrFail(token.userId, { client: trx })
      user.emailVerifiedAt = DateTime.now()
      await user.save()
      await AuditTrail.record(
        {
          municipalityId: null,
          action: 'account.email_verified',
          actorUserId: user.id,
          source,
          destination: 'verify_email',
        },
        trx
      )
      return true
    })
  }

  /**
   * Sends a fresh verification link to an unverified account; says nothing
   * about addresses that have no account or are already verified.
   */
  static async resendVerification(email: string) {
    const user = await User.findBy('email', email)
    if (!user || user.emailVerifiedAt || user.disabledAt) return
    await this.#sendVerification(user, await AccountToken.issue(user, 'verify_email'))
  }

  static async #sendVerification(user: User, secret: string) {
    await mail.sendLater(
      new AccountMail({
        to: user.email,
        locale: user.preferredLocale,
        kind: 'verify_email',
        link: accountLinks.verifyEmail(secret),
        values: { name: user.fullName },
      })
    )
  }
}
