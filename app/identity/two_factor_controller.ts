import type { HttpContext } from '@adonisjs/core/http'
import { secondFactorValidator } from '#identity/two_factor_validator'
import SignInCompletion from '#identity/sign_in_completion'
import TwoFactor from '#identity/two_factor'
import SignInReturn from '#identity/sign_in_return'
import AttemptThrottle, { SECOND_FACTOR_RULES } from '#identity/attempt_throttle'
import AuditTrail from '#audit/audit_trail'
import { httpAuditSource, httpDestination } from '#audit/http_audit_source'

const RECOVERY_CODES_FLASH = 'recovery_codes'

/**
 * The second step of signing in for staff: enrol an authenticator app the
 * first time, then a code (or a recovery code) at every sign-in.
 */
export default class TwoFactorController {
  async setup(ctx: HttpContext) {
    const user = await SignInCompletion.pendingUser(ctx)
    if (!user) return this.#expired(ctx)
    if (user.totpEnabledAt) return ctx.response.redirect('/two-factor')
    const enrolment = await TwoFactor.beginEnrolment(user)
    return ctx.inertia.render('identity/two_factor_setup', {
      qrDataUrl: enrolment.qrDataUrl,
      secret: enrolment.secret.replace(/(.{4})/g, '$1 ').trim(),
    })
  }

  async confirmSetup(ctx: HttpContext) {
    const user = await SignInCompletion.pendingUser(ctx)
    if (!user) return this.#expired(ctx)
    const { otp: code } = await ctx.request.validateUsing(secondFactorValidator)
    const recoveryCodes = await TwoFactor.confirmEnrolment(user, code)
    if (!recoveryCodes) return this.#wrongCode(ctx, user.id)
    await SignInCompletion.complete(ctx, user, 'totp')
    ctx.session.flash(RECOVERY_CODES_FLASH, recoveryCodes)
    return ctx.response.redirect('/two-factor/recovery-codes')
  }

  /**
   * Shown once, right after enrolment.
   */
  async recoveryCodes({ session, inertia, response }: HttpContext) {
    const codes = session.flashMessages.get(RECOVERY_CODES_FLASH) as string[] | undefined
    if (!codes) return response.redirect('/')
    return inertia.render('identity/recovery_codes', { codes })
  }

  async challenge(ctx: HttpContext) {
    const user = await SignInCompletion.pendingUser(ctx)
    if (!user) return this.#expired(ctx)
    if (!user.totpEnabledAt) return ctx.response.redirect('/two-factor/setup')
    return ctx.inertia.render('identity/two_factor_challenge', {})
  }

  async verify(ctx: HttpContext) {
    const user = await SignInCompletion.pendingUser(ctx)
    if (!user) return this.#expired(ctx)
    const { otp: code } = await ctx.request.validateUsing(secondFactorValidator)
    // The code takes its place before it is checked: codes sent at once
    // cannot check more than the rule allows.
    const throttle = new AttemptThrottle(SECOND_FACTOR_RULES)
    const ip = ctx.request.ip()
    const throttled = await throttle.consume({ email: user.email, ip })
    if (throttled) {
      ctx.session.flash(
        'error',
        ctx.i18n.t('errors.login_throttled', {
          minutes: Math.ceil(throttled.retryAfterSeconds / 60),
        })
      )
      return ctx.response.redirect().back()
    }
    const outcome = await TwoFactor.verify(user, code)
    if (!outcome.valid) return this.#wrongCode(ctx, user.id)
    await throttle.reset('account', { email: user.email, ip })
    await SignInCompletion.complete(ctx, user, outcome.method)
    if (outcome.method === 'recovery_code') {
      ctx.session.flash(
        'notice',
        ctx.i18n.t('ui.two_factor.recovery_used', {
          remaining: await TwoFactor.remainingRecoveryCodes(user),
        })
      )
    }
    return ctx.response.redirect().toPath(SignInReturn.take(ctx))
  }

  async #wrongCode(ctx: HttpContext, userId: number) {
    await AuditTrail.record({
      municipalityId: null,
      action: 'auth.login.second_factor_failed',
      outcome: 'failure',
      actorUserId: userId,
      source: httpAuditSource(ctx),
      destination: httpDestination(ctx),
    })
    ctx.session.flash('error', ctx.i18n.t('errors.wrong_code'))
    return ctx.response.redirect().back()
  }

  #expired({ session, response, i18n }: HttpContext) {
    session.flash('error', i18n.t('errors.two_factor_expired'))
    return response.redirect('/login')
  }
}
