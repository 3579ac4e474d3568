import type { HttpContext } from '@adonisjs/core/http'
import User from '#models/user'
import { loginValidator } from '#validators/session_validator'
import { rememberLocale } from '#services/locale_preference'
import { isSupportedLocale } from '#middleware/detect_user_locale_middleware'

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
    const user = await User.verifyCredentials(email.toLowerCase(), password)
    if (user.disabledAt) {
      session.flashErrors({ E_INVALID_CREDENTIALS: i18n.t('errors.E_INVALID_CREDENTIALS') })
      session.flashExcept(['password'])
      return response.redirect().back()
    }
    await auth.use('web').login(user)
    if (isSupportedLocale(user.preferredLocale)) await rememberLocale(ctx, user.preferredLocale)
    return response.redirect().toRoute('home')
  }

  async destroy({ auth, response, session, i18n }: HttpContext) {
    await auth.use('web').logout()
    session.flash('notice', i18n.t('ui.auth.signed_out'))
    return response.redirect().toRoute('session.create')
  }
}
