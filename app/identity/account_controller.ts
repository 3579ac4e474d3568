import type { HttpContext } from '@adonisjs/core/http'
import { changeEmailValidator, changePasswordValidator } from '#identity/account_validator'
import AccountSettings, { type SettingsResult } from '#identity/account_settings'
import { httpAuditSource } from '#audit/http_audit_source'

const REFUSAL_MESSAGES: Record<Exclude<SettingsResult, 'done'>, string> = {
  wrong_password: 'errors.wrong_current_password',
}

/**
 * The signed-in person's own account: email address and password.
 */
export default class AccountController {
  async show({ inertia, auth }: HttpContext) {
    const user = auth.getUserOrFail()
    return inertia.render('identity/account_settings', { email: user.email })
  }

  async updatePassword(ctx: HttpContext) {
    const { request, session, auth } = ctx
    const input = await request.validateUsing(changePasswordValidator)
    const result = await AccountSettings.changePassword(
      auth.getUserOrFail(),
      { currentPassword: input.current_password, password: input.password },
      { source: httpAuditSource(ctx), keepSessionId: session.sessionId }
    )
    return this.#answer(ctx, result, 'ui.account.password_changed')
  }

  async updateEmail(ctx: HttpContext) {
    const { request, auth } = ctx
    const input = await request.validateUsing(changeEmailValidator)
    const result = await AccountSettings.requestEmailChange(
      auth.getUserOrFail(),
      { currentPassword: input.current_password, email: input.email },
      httpAuditSource(ctx)
    )
    return this.#answer(ctx, result, 'ui.account.email_change_sent')
  }

  async confirmEmail(ctx: HttpContext) {
    const { params, response, session, i18n } = ctx
    const done = await AccountSettings.confirmEmailChange(
      String(params.token),
      httpAuditSource(ctx)
    )
    session.flash(
      done ? 'notice' : 'error',
      i18n.t(done ? 'ui.account.email_changed' : 'errors.invalid_link')
    )
    return response.redirect((await ctx.auth.check()) ? '/account' : '/login')
  }

  #answer({ response, session, i18n }: HttpContext, result: SettingsResult, doneMessage: string) {
    if (result === 'done') {
      session.flash('notice', i18n.t(doneMessage))
      return response.redirect('/account')
    }
    session.flash('error', i18n.t(REFUSAL_MESSAGES[result]))
    session.flashExcept(['current_password', 'password', 'password_confirmation'])
    return response.redirect().back()
  }
}
