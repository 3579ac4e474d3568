import type { HttpContext } from '@adonisjs/core/http'
import User from '#identity/user'
import AuditTrail from '#audit/audit_trail'
import { httpAuditSource, httpDestination } from '#audit/http_audit_source'
import SessionLifetimeMiddleware from '#identity/session_lifetime_middleware'
import { rememberLocale } from '#http/locale_preference'
import { isSupportedLocale, LOCALE_COOKIE } from '#http/detect_user_locale_middleware'
import { DEFAULT_LOCALE } from '#config/i18n'
import TwoFactor from '#identity/two_factor'
import SignInReturn from '#identity/sign_in_return'

const PENDING_KEY = 'two_factor_pending'
const PENDING_MINUTES = 5

/**
 * The last step of signing in, shared by the password form and the second
 * factor: a fresh session id (auth.login), the session tagged with its user,
 * the lifetime clock started, the language restored, and the event audited.
 * Staff whose password was right wait "pending" for their second factor,
 * for at most five minutes, without being signed in.
 */
export default class SignInCompletion {
  static async complete(
    ctx: HttpContext,
    user: User,
    secondFactor: 'none' | 'totp' | 'recovery_code' | 'upstream_mfa'
  ) {
    const { auth, session } = ctx
    session.forget(PENDING_KEY)
    await AuditTrail.record({
      municipalityId: null,
      action: 'auth.login.succeeded',
      actorUserId: user.id,
      source: httpAuditSource(ctx),
      destination: httpDestination(ctx),
      details: { second_factor: secondFactor },
    })
    await auth.use('web').login(user)
    // Tagging lets an account disable or "sign out everywhere" end every session.
    await session.tag(String(user.id))
    SessionLifetimeMiddleware.start(ctx)
    await rememberLocale(ctx, this.#localeFor(ctx, user))
  }

  /**
   * After the first factor (a password, a sign-in link, a confirmed
   * address): staff go on to their second factor; anyone else is signed in
   * and goes back to the page that asked them to sign in, or home.
   */
  static async proceed(ctx: HttpContext, user: User) {
    if (await TwoFactor.requiredFor(user)) {
      this.holdForSecondFactor(ctx, user)
      return ctx.response.redirect(user.totpEnabledAt ? '/two-factor' : '/two-factor/setup')
    }
    await this.complete(ctx, user, 'none')
    return ctx.response.redirect().toPath(SignInReturn.take(ctx))
  }

  static holdForSecondFactor(ctx: HttpContext, user: User) {
    ctx.session.put(PENDING_KEY, { userId: user.id, startedAt: Date.now() })
  }

  /**
   * The account waiting for its second factor, if the wait is still fresh.
   */
  static async pendingUser(ctx: HttpContext) {
    const pending = ctx.session.get(PENDING_KEY) as
      { userId: number; startedAt: number } | undefined
    if (!pending || Date.now() - pending.startedAt > PENDING_MINUTES * 60_000) return null
    const user = await User.find(pending.userId)
    return user && !user.disabledAt ? user : null
  }

  /**
   * A language chosen on this device wins (and is saved on the account);
   * otherwise the account's language follows the person to this device.
   */
  static #localeFor(ctx: HttpContext, user: User) {
    const chosenHere = ctx.request.plainCookie(LOCALE_COOKIE)
    if (isSupportedLocale(chosenHere)) return chosenHere
    return isSupportedLocale(user.preferredLocale) ? user.preferredLocale : DEFAULT_LOCALE
  }
}
