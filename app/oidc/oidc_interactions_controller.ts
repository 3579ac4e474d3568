import type { HttpContext } from '@adonisjs/core/http'
import { errors as httpErrors } from '@adonisjs/core/http'
import SignInReturn from '#identity/sign_in_return'
import { httpAuditSource } from '#audit/http_audit_source'
import OidcInteractions from '#oidc/oidc_interactions'

/**
 * Tomoni's own sign-in and consent steps of an authorization: signed out,
 * the usual sign-in page (same throttling and second factor) and back;
 * signed in, no password again; then the consent page, or a refusal when
 * the account is no resident of this municipality.
 */
export default class OidcInteractionsController {
  async show(ctx: HttpContext) {
    const step = await this.#step(ctx)
    if (!step.user) {
      SignInReturn.remember(
        ctx,
        ctx.request.url(true),
        ctx.i18n.t('oidc.sign_in_prompt', { client: step.clientName })
      )
      return ctx.response.redirect('/login')
    }
    const next = await step.interactions.advance(step.user, httpAuditSource(ctx))
    if (next.kind === 'redirect') return this.#leave(ctx, next.to)
    if (next.kind === 'refused') {
      ctx.response.status(403)
      return ctx.inertia.render('oidc/refused', {
        municipality: step.interactions.municipality.nameIn(ctx.i18n.locale),
        client: step.clientName,
        returnTo: next.to,
      })
    }
    return ctx.inertia.render('oidc/consent', {
      municipality: step.interactions.municipality.nameIn(ctx.i18n.locale),
      client: { name: step.clientName, logoText: next.logoText },
      scopes: next.scopes,
      confirmUrl: `${ctx.request.url()}/confirm`,
      abortUrl: `${ctx.request.url()}/abort`,
    })
  }

  async confirm(ctx: HttpContext) {
    const step = await this.#step(ctx)
    if (!step.user) return ctx.response.redirect(ctx.request.url().replace(/\/confirm$/, ''))
    return this.#leave(ctx, await step.interactions.consent(step.user, httpAuditSource(ctx)))
  }

  async abort(ctx: HttpContext) {
    const step = await this.#step(ctx)
    if (!step.user) return ctx.response.redirect(ctx.request.url().replace(/\/abort$/, ''))
    return this.#leave(ctx, await step.interactions.refuse(step.user, httpAuditSource(ctx)))
  }

  /** The interaction of this URL (an expired or unknown one: a translated 404) */
  async #step(ctx: HttpContext) {
    const interactions = await OidcInteractions.find(
      String(ctx.params.municipality),
      String(ctx.params.uid),
      ctx.request.request,
      ctx.response.response
    )
    if (!interactions) {
      throw new httpErrors.E_ROUTE_NOT_FOUND([ctx.request.method(), ctx.request.url()])
    }
    const user = (await ctx.auth.use('web').check()) ? ctx.auth.use('web').user! : null
    return { interactions, user, clientName: interactions.client?.name ?? '' }
  }

  /** Back to the provider: a full page load (Inertia's own requests get 409 + location) */
  #leave(ctx: HttpContext, to: string) {
    if (ctx.request.header('x-inertia')) return ctx.inertia.location(to)
    return ctx.response.redirect(to)
  }
}
