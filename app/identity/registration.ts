import { DateTime } from 'luxon'
import hash from '@adonisjs/core/services/hash'
import db from '@adonisjs/lucid/services/db'
import mail from '@adonisjs/mail/services/main'
import User from '#identity/user'
import AccountToken from '#identity/account_token'
import AccountMail from '#mail/account_mail'
import AuditTrail from '#audit/audit_trail'
import type { AuditSource } from '#audit/audit_event_input'
import { accountLinks } from '#identity/account_links'
import AttemptThrottle, {
  REGISTRATION_ADDRESS_RULES,
  REGISTRATION_CLIENT_RULES,
  RESEND_RULES,
} from '#identity/attempt_throttle'

/** How long a confirmation link also signs in (a password reset link's hour) */
export const SIGN_IN_BY_CONFIRMATION_MINUTES = 60

/**
 * Self-service sign-up. The answer is the same whether or not the address
 * already has an account (no account enumeration): a new address gets a
 * verification link, a known one a note that it is already registered.
 * Both paths hash the password (the same work, so the same time), and
 * both are throttled: per client visibly, per address silently (at most a
 * few mails an hour reach one address, whoever asks).
 */
export default class Registration {
  static async register(
    input: {
      fullName: string
      email: string
      password: string
      locale: string
      /** Where the confirmation link leads once it has signed the person in */
      returnPath?: string | null
    },
    source: AuditSource
  ): Promise<{ status: 'sent' } | { status: 'throttled'; retryAfterSeconds: number }> {
    const identity = { email: input.email, ip: source.ip ?? 'unknown' }
    const throttled = await new AttemptThrottle(REGISTRATION_CLIENT_RULES).consume(identity)
    if (throttled) {
      await AuditTrail.record({
        municipalityId: null,
        action: 'account.registration_throttled',
        outcome: 'denied',
        source,
        destination: 'register',
      })
      return { status: 'throttled', retryAfterSeconds: throttled.retryAfterSeconds }
    }
    const mailable =
      (await new AttemptThrottle(REGISTRATION_ADDRESS_RULES).consume(identity)) === null

    const existing = await User.findBy('email', input.email)
    if (existing || !mailable) {
      // The work a new account costs, so the answer takes as long
      await hash.make(input.password)
      if (!existing) return { status: 'sent' }
      if (mailable) {
        await mail.sendLater(
          new AccountMail({
            to: existing.email,
            locale: existing.preferredLocale,
            kind: 'already_registered',
            link: accountLinks.forgotPassword(),
          })
        )
      }
      await AuditTrail.record({
        municipalityId: null,
        action: 'account.registration_repeated',
        outcome: 'denied',
        actorUserId: null,
        source,
        destination: 'register',
        details: { user_id: existing.id },
      })
      return { status: 'sent' }
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
      const token = await AccountToken.issue(created, 'verify_email', {
        client: trx,
        returnPath: input.returnPath,
      })
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
    return { status: 'sent' }
  }

  /**
   * Confirms an address from its link: the account it confirmed, the page
   * to go on to, and whether the link also signs in. It does while it is
   * fresh (SIGN_IN_BY_CONFIRMATION_MINUTES): it is single-use, 256 random
   * bits kept only as a hash, and proves the mailbox as a password reset
   * link (one hour) does. An older link only confirms. Null for an
   * unknown, expired or already used link.
   */
  static async verifyEmail(secret: string, source: AuditSource) {
    return db.transaction(async (trx) => {
      const token = await AccountToken.consume(secret, 'verify_email', trx)
      if (!token) return null
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
      const fresh =
        token.createdAt > DateTime.now().minus({ minutes: SIGN_IN_BY_CONFIRMATION_MINUTES })
      return { user, returnPath: token.returnPath, signsIn: fresh && !user.disabledAt }
    })
  }

  /**
   * Sends a fresh verification link to an unverified account; says nothing
   * about addresses that have no account or are already verified, nor
   * when throttled (a few per address and per client an hour).
   */
  static async resendVerification(
    email: string,
    source: AuditSource,
    returnPath: string | null = null
  ) {
    const throttled = await new AttemptThrottle(RESEND_RULES).consume({
      email,
      ip: source.ip ?? 'unknown',
    })
    if (throttled) return
    const user = await User.findBy('email', email)
    if (!user || user.emailVerifiedAt || user.disabledAt) return
    await this.#sendVerification(
      user,
      await AccountToken.issue(user, 'verify_email', { returnPath })
    )
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
