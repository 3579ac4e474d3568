import type { HttpContext } from '@adonisjs/core/http'
import { loginValidator } from '#identity/session_validator'
import { forgotPasswordValidator } from '#identity/account_validator'
import SignIn from '#identity/sign_in'
import SignInCompletion from '#identity/sign_in_completion'
import SignInLink from '#identity/sign_in_link'
import SignInReturn from '#identity/sign_in_return'
import AuditTrail from '#audit/audit_trail'
import { httpAuditSource, httpDestination } from '#audit/http_audit_source'
import { localSignInRefusal, signInOptions } from '#identity/sign_in_extensions'

const LINK_OFFER_FLASH = 'sign_in_link_email'

export default class SessionController {
  async create(ctx: HttpContext) {
    const offered = ctx.session.flashMessages.get(LINK_OFFER_FLASH) as string | undefined
    return ctx.inertia.render('identity/login', {
      signInLinkEmail: offered ?? null,
      prompt: SignInReturn.prompt(ctx),
      otherSignIns: await signInOptions(ctx),
    })
  }

  /**
   * Same answer for an unknown email, a wrong password and a disabled
   * account, so the form reveals nothing about who has an account.
   */
  async store(ctx: HttpContext) {
    const { request } = ctx
    const { email, password } = await request.validateUsing(loginValidator)
    const result = await new SignIn().attempt(email, password, httpAuditSource(ctx))

    if (result.status === 'throttled') {
      const minutes = Math.max(1, Math.ceil(result.retryAfterSeconds / 60))
      // Only the account rule (guesses from many addresses) offers a link:
      // the per-address rules keep stopping whoever sent the guesses.
      if (result.rule !== 'account') return this.#refuse(ctx, 'errors.login_throttled', { minutes })
      ctx.session.flash(LINK_OFFER_FLASH, email.trim().toLowerCase())
      return this.#refuse(ctx, 'errors.login_account_throttled', { minutes })
    }
    if (result.status === 'unverified') return this.#refuse(ctx, 'errors.email_not_verified')
    if (result.status === 'refused') return this.#refuse(ctx, 'errors.E_INVALID_CREDENTIALS')
    if (result.status === 'local_refused') {
      return this.#refuse(ctx, result.refusal.message, result.refusal.values)
    }

    return SignInCompletion.proceed(ctx, result.user)
  }

  /** POST /login/link: a one-time sign-in link by mail, the same answer for any address */
  async requestLink(ctx: HttpContext) {
    const { request, response, session, i18n } = ctx
    const { email } = await request.validateUsing(forgotPasswordValidator)
    await SignInLink.request(email, httpAuditSource(ctx))
    session.flash('notice', i18n.t('ui.auth.sign_in_link_sent'))
    return response.redirect('/login')
  }

  /**
   * GET /login/link/:token: only a page with a button (mail scanners open
   * links), or one saying the link no longer works; nothing is used up
   * and no account is shown.
   */
  async showLink({ inertia, params }: HttpContext) {
    return inertia.render('identity/sign_in_link', {
      usable: await SignInLink.isUsable(String(params.token)),
    })
  }

  /** POST /login/link/:token: signs in once (staff go on to their second factor) */
  async useLink(ctx: HttpContext) {
    const { params, response, session, i18n } = ctx
    const token = String(params.token)
    const user = await SignInLink.use(token, httpAuditSource(ctx))
    if (!user) {
      session.flash('error', i18n.t('errors.invalid_link'))
      return response.redirect(`/login/link/${encodeURIComponent(token)}`)
    }
    const refusal = await localSignInRefusal(user)
    if (refusal) {
      session.flash('error', i18n.t(refusal.message, refusal.values))
      return response.redirect('/login')
    }
    return SignInCompletion.proceed(ctx, user)
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
