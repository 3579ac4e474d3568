import type { HttpContext } from '@adonisjs/core/http'
import { registrationValidator, forgotPasswordValidator } from '#validators/account_validator'
import Registration from '#services/registration'
import { httpAuditSource } from '#audit/http_audit_source'

export default class RegistrationController {
  async create({ inertia }: HttpContext) {
    return inertia.render('auth/register', {})
  }

  async store(ctx: HttpContext) {
    const { request, response, i18n } = ctx
    const input = await request.validateUsing(registrationValidator)
    await Registration.register(
      {
        fullName: input.full_name,
        email: input.email,
        password: input.password,
        locale: i18n.locale,
      },
      httpAuditSource(ctx)
    )
    return response.redirect('/register/sent')
  }

  async sent({ inertia }: HttpContext) {
    return inertia.render('auth/notice', { kind: 'registration_sent' })
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

  async resend({ request, response, session, i18n }: HttpContext) {
    const { email } = await request.validateUsing(forgotPasswordValidator)
    await Registration.resendVerification(email)
    session.flash('notice', i18n.t('ui.register.resent'))
    return response.redirect('/login')
  }
}
