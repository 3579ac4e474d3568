import type { HttpContext } from '@adonisjs/core/http'
import { loginValidator } from '#validators/session_validator'
import SignIn from '#services/sign_in'
import SignInCompletion from '#services/sign_in_completion'
import TwoFactor from '#services/two_factor'
import AuditTrail from '#audit/audit_trail'
import { httpAuditSource, httpDestination } from '#audit/http_audit_source'

export default class SessionController {
  async create({ inertia }: HttpContext) {
    return inertia.render('auth/login', {})
  }

  /**
   * Same answer for an unknown email, a wrong password and a disabled
   * account, so the form reveals nothing about who has an account.
   */
  async store(ctx: HttpContext) {
    const { request, response } = ctx
    const { email, password } = await request.validateUsing(loginValidator)
    const result = await new SignIn().attempt(email, password, httpAuditSource(ctx))

    if (result.status === 'throttled') {
      const minutes = Math.max(1, Math.ceil(result.retryAfterSeconds / 60))
      return this.#refuse(ctx, 'errors.login_throttled', { minutes })
    }
    if (result.status === 'unverified') return this.#refuse(ctx, 'errors.email_not_verified')
    if (result.status === 'refused') return this.#refuse(ctx, 'errors.E_INVALID_CREDENTIALS')

    if (await TwoFactor.requiredFor(result.user)) {
      SignInCompletion.holdForSecondFactor(ctx, result.user)
      return response.redirect(result.user.totpEnabledAt ? '/two-factor' : '/two-factor/setup')
    }
    await SignInCompletion.complete(ctx, result.user, 'none')
    return response.redirect('/')
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

  #refuse(
    { session, response, i18n }: HttpContext,
    message: string,
    values?: Record<string, unknown>
  ) {
    session.flash('error', i18n.t(message, values))
    session.flashExcept(['password'])
    return response.redirect().back()
  }
}
