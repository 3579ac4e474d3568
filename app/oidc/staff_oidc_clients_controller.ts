import type { HttpContext } from '@adonisjs/core/http'
import ConsolePolicy from '#tenancy/console_policy'
import { auditedNotFound, staffActionFrom } from '#audit/staff_action'
import { staffFieldNames } from '#http/staff_field_names'
import OidcClientRegistry from '#oidc/oidc_client_registry'
import type OidcClient from '#oidc/oidc_client'
import { OIDC_SCOPES } from '#oidc/oidc_clients'
import { issuerPath, appUrl } from '#oidc/oidc_providers'
import { registerOidcClientValidator, updateOidcClientValidator } from '#oidc/oidc_client_validator'
import { oidcClientSettings, oidcClientView } from '#oidc/oidc_client_view'

/**
 * 連携サービス（OIDCクライアント）: a municipality's administrators register
 * the services that sign its residents in through Tomoni, edit, disable,
 * enable them and rotate a confidential client's secret (shown once).
 */
export default class StaffOidcClientsController {
  async index(ctx: HttpContext) {
    const registry = await this.#registry(ctx)
    const clients = await registry.list()
    const lastUsed = await registry.lastUsed(clients.map((client) => client.clientId))
    return ctx.inertia.render('oidc/staff/clients', {
      issuer: this.#issuer(ctx),
      clients: clients.map((client) => ({
        ...oidcClientView(client),
        lastUsedAt: lastUsed.get(client.clientId) ?? null,
      })),
    })
  }

  async create(ctx: HttpContext) {
    await this.#registry(ctx)
    return ctx.inertia.render('oidc/staff/client_form', { client: null, scopes: OIDC_SCOPES })
  }

  /** Registered: the one page that shows a confidential client's secret */
  async store(ctx: HttpContext) {
    const registry = await this.#registry(ctx)
    const input = await ctx.request.validateUsing(registerOidcClientValidator, {
      messagesProvider: staffFieldNames(ctx, 'oidc.clients'),
    })
    const { client, secret } = await registry.register(oidcClientSettings(input), input.type)
    return this.#secretPage(ctx, client, secret, 'registered')
  }

  async edit(ctx: HttpContext) {
    const { client } = await this.#client(ctx)
    return ctx.inertia.render('oidc/staff/client_form', {
      client: oidcClientView(client),
      scopes: OIDC_SCOPES,
    })
  }

  async update(ctx: HttpContext) {
    const { registry, client } = await this.#client(ctx)
    const input = await ctx.request.validateUsing(updateOidcClientValidator, {
      messagesProvider: staffFieldNames(ctx, 'oidc.clients'),
    })
    const changed = await registry.update(client, oidcClientSettings(input))
    ctx.session.flash(
      'notice',
      ctx.i18n.t(changed.length ? 'oidc.clients.flash.saved' : 'oidc.clients.flash.unchanged')
    )
    return ctx.response.redirect(this.#listPath(ctx))
  }

  async disable(ctx: HttpContext) {
    const { registry, client } = await this.#client(ctx)
    await registry.disable(client)
    ctx.session.flash('notice', ctx.i18n.t('oidc.clients.flash.disabled', { name: client.name }))
    return ctx.response.redirect(this.#listPath(ctx))
  }

  async enable(ctx: HttpContext) {
    const { registry, client } = await this.#client(ctx)
    await registry.enable(client)
    ctx.session.flash('notice', ctx.i18n.t('oidc.clients.flash.enabled', { name: client.name }))
    return ctx.response.redirect(this.#listPath(ctx))
  }

  async rotate(ctx: HttpContext) {
    const { registry, client } = await this.#client(ctx)
    const secret = await registry.rotateSecret(client)
    if (!secret) {
      ctx.session.flash('error', ctx.i18n.t('oidc.clients.flash.no_secret'))
      return ctx.response.redirect(this.#listPath(ctx))
    }
    return this.#secretPage(ctx, client, secret, 'rotated')
  }

  /** Shown in the answer to the request itself, never kept: reloading shows the list */
  #secretPage(
    ctx: HttpContext,
    client: OidcClient,
    secret: string | null,
    event: 'registered' | 'rotated'
  ) {
    ctx.response.header('Cache-Control', 'no-store')
    return ctx.inertia.render('oidc/staff/client_secret', {
      client: oidcClientView(client),
      secret,
      event,
      issuer: this.#issuer(ctx),
    })
  }

  async #registry(ctx: HttpContext) {
    await ctx.bouncer.with(ConsolePolicy).authorize('administer', ctx.tenant)
    return new OidcClientRegistry(ctx.tenant.municipalityId, staffActionFrom(ctx))
  }

  /** The client of the URL, this municipality's only (another's is 404, audited) */
  async #client(ctx: HttpContext) {
    const registry = await this.#registry(ctx)
    const id = Number(ctx.params.oidcClient)
    const client = await registry.find(id)
    if (!client) return auditedNotFound(ctx, 'oidc_client.not_found', { oidc_client_id: id })
    return { registry, client }
  }

  #listPath(ctx: HttpContext) {
    return `/m/${ctx.tenant.municipality.slug}/oidc-clients`
  }

  #issuer(ctx: HttpContext) {
    return `${appUrl()}${issuerPath(ctx.tenant.municipality.slug)}`
  }
}
