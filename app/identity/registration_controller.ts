import type { HttpContext } from '@adonisjs/core/http'
import { registrationValidator, forgotPasswordValidator } from '#identity/account_validator'
import Registration from '#identity/registration'
import AccountToken from '#identity/account_token'
import SignInCompletion from '#identity/sign_in_completion'
import SignInReturn from '#identity/sign_in_return'
import { httpAuditSource } from '#audit/http_audit_source'

export default class RegistrationController {
  async create(ctx: HttpContext) {
    return ctx.inertia.render('identity/register', { prompt: SignInReturn.prompt(ctx) })
  }

  async store(ctx: HttpContext) {
    const { request, response, session, i18n } = ctx
    const input = await request.validateUsing(registrationValidator)
    const result = await Registration.register(
      {
        fullName: input.full_name,
        email: input.email,
        password: input.password,
        locale: i18n.locale,
        // The page that asked to sign in (a visit QR): the confirmation link leads back to it
        returnPath: SignInReturn.peek(ctx),
      },
      httpAuditSource(ctx)
    )
    if (result.status === 'throttled') {
      const minutes = Math.max(1, Math.ceil(result.retryAfterSeconds / 60))
      session.flash('error', i18n.t('errors.register_throttled', { minutes }))
      session.flashExcept(['password', 'password_confirmation'])
      return response.redirect('/register')
    }
    return response.redirect('/register/sent')
  }

  async sent({ inertia }: HttpContext) {
    return inertia.render('identity/notice', { kind: 'registration_sent' })
  }

  /**
   * GET /verify-email/:token: only a page with a button (mail scanners
   * open links), or one saying the link no longer works; nothing is used up.
   */
  async showVerify({ inertia, params }: HttpContext) {
    return inertia.render('identity/verify_email', {
      usable: await AccountToken.isUsable(String(params.token), 'verify_email'),
    })
  }

  /**
   * POST /verify-email/:token: confirms the address and, while the link is
   * fresh, signs in and goes on to the page that was waiting (a visit).
   * A browser signed in to another account stays as it is.
   */
  async verify(ctx: HttpContext) {
    const { params, session, response, i18n, auth } = ctx
    const verified = await Registration.verifyEmail(String(params.token), httpAuditSource(ctx))
    if (!verified) {
      session.flash('error', i18n.t('errors.invalid_link'))
      return response.redirect('/login')
    }
    const signedIn = await auth.use('web').check()
    if (verified.signsIn && !signedIn) {
      if (verified.returnPath) SignInReturn.remember(ctx, verified.returnPath)
      session.flash('notice', i18n.t('ui.register.verified_signed_in'))
      return SignInCompletion.proceed(ctx, verified.user)
    }
    session.flash('notice', i18n.t('ui.register.verified'))
    if (signedIn) return response.redirect('/')
    if (verified.returnPath) SignInReturn.remember(ctx, verified.returnPath)
    return response.redirect('/login')
  }

  async resend(ctx: HttpContext) {
    const { request, response, session, i18n } = ctx
    const { email } = await request.validateUsing(forgotPasswordValidator)
    await Registration.resendVerification(email, httpAuditSource(ctx), SignInReturn.peek(ctx))
    session.flash('notice', i18n.t('ui.register.resent'))
    return response.redirect('/login')
  }
}
