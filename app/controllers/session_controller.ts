import type { HttpContext } from '@adonisjs/core/http'
import type User from '#models/user'
import { loginValidator } from '#validators/session_validator'
import SignIn from '#services/sign_in'
import SessionLifetimeMiddleware from '#middleware/session_lifetime_middleware'
import AuditTrail from '#audit/audit_trail'
import { httpAuditSource, httpDestination } from '#audit/http_audit_source'
import { rememberLocale } from '#services/locale_preference'
import { isSupportedLocale, LOCALE_COOKIE } from '#middleware/detect_user_locale_middleware'
import { DEFAULT_LOCALE } from '#config/i18n'

export default class SessionController {
  async create({ inertia }: HttpContext) {
    return inertia.render('auth/login', {})
  }

  /**
   * Same answer for an unknown email, a wrong password and a disabled
   * account, so the form reveals nothing about who has an account.
   */
  async store(ctx: HttpContext) {
    const { request, auth, response, session, i18n } = ctx
    const { email, password } = await request.validateUsing(loginValidator)
    const result = await new SignIn().attempt(email, password, httpAuditSource(ctx))

    if (result.status === 'throttled') {
      const minutes = Math.max(1, Math.ceil(result.retryAfterSeconds / 60))
      session.flash('error', i18n.t('errors.login_throttled', { minutes }))
      session.flashExcept(['password'])
      return response.redirect().back()
    }
    if (result.status === 'unverified') {
      session.flash('error', i18n.t('errors.email_not_verified'))
      session.flashExcept(['password'])
      return response.redirect().back()
    }
    if (result.status === 'refused') {
      session.flash('error', i18n.t('errors.E_INVALID_CREDENTIALS'))
      session.flashExcept(['password'])
      return response.redirect().back()
    }

    await auth.use('web').login(result.user)
    // Tagging lets an account disable or "sign out everywhere" end every session.
    await session.tag(String(result.user.id))
    SessionLifetimeMiddleware.start(ctx)
    await rememberLocale(ctx, this.#localeAfterLogin(ctx, result.user))
    return response.redirect('/')
  }

  /**
   * A language chosen on this device wins (and is saved on the account);
   * otherwise the account's language follows the person to this device.
   */
  #localeAfterLogin(ctx: HttpContext, user: User) {
    const chosenHere = ctx.request.plainCookie(LOCALE_COOKIE)
    if (isSupportedLocale(chosenHere)) return chosenHere
    return isSupportedLocale(user.preferredLocale) ? user.preferredLocale : DEFAULT_LOCALE
  }

  async destroy(ctx: HttpContext) {
    const { auth, response, session, i18n } = ctx
    const user = auth.getUserOrFail()
    await AuditTrail.record({
      municipalityId: null,
      action: 'auth.logout',
      actorUserId: user.id,
      source: httpAuditSource(ctx),
      destination: httpDestination(ctx),
    })
    await auth.use('web').logout()
    await session.untag(String(user.id))
    session.flash('notice', i18n.t('ui.auth.signed_out'))
    return response.redirect('/login')
  }
}
