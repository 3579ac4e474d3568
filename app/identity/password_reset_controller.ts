import type { HttpContext } from '@adonisjs/core/http'
import { forgotPasswordValidator, resetPasswordValidator } from '#identity/account_validator'
import PasswordReset from '#identity/password_reset'
import { httpAuditSource } from '#audit/http_audit_source'

export default class PasswordResetController {
  async create({ inertia }: HttpContext) {
    return inertia.render('identity/forgot_password', {})
  }

  async store(ctx: HttpContext) {
    const { request, response, session, i18n } = ctx
    const { email } = await request.validateUsing(forgotPasswordValidator)
    const wait = await new PasswordReset().request(email, httpAuditSource(ctx))
    if (wait !== null) {
      session.flash('error', i18n.t('errors.reset_throttled', { minutes: Math.ceil(wait / 60) }))
      return response.redirect().back()
    }
    return response.redirect('/forgot-password/sent')
  }

  async sent({ inertia }: HttpContext) {
    return inertia.render('identity/notice', { kind: 'reset_sent' })
  }

  async edit({ inertia, params }: HttpContext) {
    return inertia.render('identity/reset_password', { token: String(params.token) })
  }

  async update(ctx: HttpContext) {
    const { request, response, session, i18n, params } = ctx
    const { password } = await request.validateUsing(resetPasswordValidator)
    const done = await new PasswordReset().reset(
      String(params.token),
      password,
      httpAuditSource(ctx)
    )
    session.flash(done ? 'notice' : 'error', i18n.t(done ? 'ui.reset.done' : 'errors.invalid_link'))
    return response.redirect(done ? '/login' : '/forgot-password')
  }
}
