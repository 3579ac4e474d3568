import type { HttpContext } from '@adonisjs/core/http'
import { registrationValidator, forgotPasswordValidator } from '#identity/account_validator'
import Registration from '#identity/registration'
import { httpAuditSource } from '#audit/http_audit_source'

export default class RegistrationController {
  async create({ inertia }: HttpContext) {
    return inertia.render('identity/register', {})
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

  async verify(ctx: HttpContext) {
    const { params, session, response, i18n } = ctx
    const verified = await Registration.verifyEmail(String(params.token), httpAuditSource(ctx))
    session.flash(
      verified ? 'notice' : 'error',
      i18n.t(verified ? 'ui.register.verified' : 'errors.invalid_link')
    )
    return response.redirect('/login')
  }

  async resend(ctx: HttpContext) {
    const { request, response, session, i18n } = ctx
    const { email } = await request.validateUsing(forgotPasswordValidator)
    await Registration.resendVerification(email, httpAuditSource(ctx))
    session.flash('notice', i18n.t('ui.register.resent'))
    return response.redirect('/login')
  }
}
