import type { IncomingMessage, ServerResponse } from 'node:http'
import type Provider from 'oidc-provider'
import type Municipality from '#tenancy/municipality'
import type User from '#identity/user'
import Resident from '#residents/resident'
import type { AuditSource } from '#audit/audit_event_input'
import OidcClient from '#oidc/oidc_client'
import OidcProviders from '#oidc/oidc_providers'
import { OIDC_SCOPES } from '#oidc/oidc_clients'
import { auditConsent, auditSignInRefused } from '#oidc/oidc_audit'

type WebSource = AuditSource

type Details = {
  uid: string
  grantId?: string
  params: { client_id: string; scope?: string }
  prompt: {
    name: string
    details: {
      missingOIDCScope?: string[]
      missingOIDCClaims?: string[]
      missingResourceScopes?: Record<string, string[]>
    }
  }
  session?: { accountId?: string }
}

export type NextStep =
  | { kind: 'redirect'; to: string }
  | { kind: 'refused'; to: string }
  | { kind: 'consent'; scopes: string[]; logoText: string | null }

/**
 * One pending authorization of a municipality's provider (its interaction
 * cookie names it): signs the resident in, asks their consent, or refuses
 * an account that is no resident of this municipality (the relying party
 * then gets access_denied).
 */
export default class OidcInteractions {
  constructor(
    readonly provider: Provider,
    readonly municipality: Municipality,
    readonly details: Details,
    readonly client: OidcClient | null,
    private req: IncomingMessage,
    private res: ServerResponse
  ) {}

  static async find(slug: string, uid: string, req: IncomingMessage, res: ServerResponse) {
    const found = await OidcProviders.forSlug(slug)
    if (!found) return null
    let details: Details
    try {
      details = await found.provider.interactionDetails(req, res)
    } catch {
      return null
    }
    if (details.uid !== uid) return null
    const client = await OidcClient.query()
      .where('municipality_id', found.municipality.id)
      .where('client_id', details.params.client_id)
      .first()
    return new OidcInteractions(found.provider, found.municipality, details, client, req, res)
  }

  /** The step after this one for a signed-in account */
  async advance(user: User, source: WebSource): Promise<NextStep> {
    const resident = await this.#resident(user)
    if (!resident) return this.#refuseStranger(user, source)
    const accountId = String(resident.id)
    // Signing in, or someone else signed in to Tomoni since the provider's session began
    if (this.details.prompt.name === 'login' || this.details.session?.accountId !== accountId) {
      return { kind: 'redirect', to: await this.#result({ login: { accountId } }, false) }
    }
    return {
      kind: 'consent',
      scopes: this.requestedScopes(),
      logoText: this.client?.logoText ?? null,
    }
  }

  /** The resident allows: the grant remembers the scopes, asked no more next time */
  async consent(user: User, source: WebSource) {
    const next = await this.advance(user, source)
    if (next.kind !== 'consent') return next.to
    const { prompt, params, session } = this.details
    const { Grant } = this.provider
    // The session may still name a grant the resident revoked since (or one expired)
    const kept = this.details.grantId ? await Grant.find(this.details.grantId) : undefined
    const grant = kept ?? new Grant({ accountId: session!.accountId, clientId: params.client_id })
    const missing = prompt.details
    if (missing.missingOIDCScope) grant.addOIDCScope(missing.missingOIDCScope.join(' '))
    if (missing.missingOIDCClaims) grant.addOIDCClaims(missing.missingOIDCClaims)
    for (const [indicator, scopes] of Object.entries(missing.missingResourceScopes ?? {})) {
      grant.addResourceScope(indicator, scopes.join(' '))
    }
    const grantId = await grant.save()
    await auditConsent({
      municipalityId: this.municipality.id,
      userId: user.id,
      residentId: Number(session!.accountId),
      clientId: params.client_id,
      scope: params.scope ?? '',
      given: true,
      source,
    })
    return this.#result({ consent: { grantId } }, true)
  }

  /** The resident refuses: the relying party gets access_denied */
  async refuse(user: User, source: WebSource) {
    const resident = await this.#resident(user)
    await auditConsent({
      municipalityId: this.municipality.id,
      userId: user.id,
      residentId: resident?.id ?? null,
      clientId: this.details.params.client_id,
      scope: this.details.params.scope ?? '',
      given: false,
      source,
    })
    return this.#result(
      { error: 'access_denied', error_description: 'the resident did not allow it' },
      false
    )
  }

  /** The scopes asked for, those Tomoni knows, in the order of OIDC_SCOPES */
  requestedScopes() {
    const asked = new Set(String(this.details.params.scope ?? '').split(' '))
    return OIDC_SCOPES.filter((scope) => asked.has(scope))
  }

  #resident(user: User) {
    if (user.disabledAt) return null
    return Resident.query()
      .where('municipality_id', this.municipality.id)
      .where('user_id', user.id)
      .first()
  }

  async #refuseStranger(user: User, source: WebSource): Promise<NextStep> {
    await auditSignInRefused({
      municipalityId: this.municipality.id,
      userId: user.id,
      clientId: this.details.params.client_id,
      source,
    })
    const to = await this.#result(
      { error: 'access_denied', error_description: 'not a resident of this municipality' },
      false
    )
    return { kind: 'refused', to }
  }

  #result(result: Record<string, unknown>, merge: boolean) {
    return this.provider.interactionResult(this.req, this.res, result, {
      mergeWithLastSubmission: merge,
    })
  }
}
