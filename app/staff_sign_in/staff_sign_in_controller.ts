import type { HttpContext } from '@adonisjs/core/http'
import { errors as lucidErrors } from '@adonisjs/lucid'
import Municipality from '#tenancy/municipality'
import SignInCompletion from '#identity/sign_in_completion'
import SignInReturn from '#identity/sign_in_return'
import UpstreamSignIn from '#staff_sign_in/upstream_sign_in'
import { UpstreamUnusable } from '#staff_sign_in/upstream_client'

/**
 * Staff sign-in through the municipality's own identity provider: off to
 * the provider, and back. TOTP is skipped only when the provider asserts
 * a multi-factor sign-in and the municipality trusts it.
 */
export default class StaffSignInController {
  async start(ctx: HttpContext) {
    const { municipality, provider } = await this.#upstreamOf(ctx)
    try {
      const url = await UpstreamSignIn.begin(ctx, municipality, provider)
      return ctx.response.redirect(url.href)
    } catch (error) {
      if (!(error instanceof UpstreamUnusable)) throw error
      return this.#refuse(ctx, 'unavailable')
    }
  }

  async callback(ctx: HttpContext) {
    const { municipality, provider } = await this.#upstreamOf(ctx)
    const outcome = await UpstreamSignIn.finish(ctx, municipality, provider)
    if (outcome.status === 'refused') return this.#refuse(ctx, outcome.reason)
    if (outcome.mfa) {
      await SignInCompletion.complete(ctx, outcome.user, 'upstream_mfa')
      return ctx.response.redirect().toPath(SignInReturn.take(ctx))
    }
    return SignInCompletion.proceed(ctx, outcome.user)
  }

  /** A municipality with an identity provider for its staff, else 404 */
  async #upstreamOf(ctx: HttpContext) {
    const municipality = await Municipality.findBy('slug', String(ctx.params.municipality))
    const provider = municipality ? await UpstreamSignIn.providerOf(municipality) : null
    if (!municipality || !provider) throw new lucidErrors.E_ROW_NOT_FOUND()
    return { municipality, provider }
  }

  #refuse({ session, response, i18n }: HttpContext, reason: string) {
    session.flash('error', i18n.t(`staff_sign_in.refused.${reason}`))
    return response.redirect('/login')
  }
}
