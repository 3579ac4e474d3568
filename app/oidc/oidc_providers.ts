import { createHmac } from 'node:crypto'
import Provider, { errors } from 'oidc-provider'
import env from '#start/env'
import Municipality from '#tenancy/municipality'
import { lucidAdapterFor } from '#oidc/oidc_adapter'
import OidcSigningKeys from '#oidc/oidc_signing_keys'
import { SCOPE_CLAIMS, residentAccount } from '#oidc/oidc_claims'
import { hashClientSecret } from '#oidc/oidc_clients'
import { auditOidcRequest, auditUserinfoRead } from '#oidc/oidc_audit'
import { renderLogoutPage, renderOidcError, renderSignedOutPage } from '#oidc/oidc_pages'

/** How often a cached provider checks that the signing keys did not change (ms) */
const KEY_CHECK_MS = 60_000

/** The resource scopes the Tomoni API understands (RFC 8707 resource `${APP_URL}/api/v1`) */
export const API_SCOPES = ['tomoni:balances']

export function appUrl() {
  return String(env.get('APP_URL') ?? '').replace(/\/$/, '')
}

export function apiResource() {
  return `${appUrl()}/api/v1`
}

export function issuerPath(slug: string) {
  return `/m/${slug}/oidc`
}

/** A secret derived from APP_KEY for one use (cookies, pairwise subjects) */
function derivedKey(purpose: string) {
  return createHmac('sha256', env.get('APP_KEY').release()).update(`oidc:${purpose}`).digest()
}

type Cached = { provider: Provider; municipality: Municipality; keys: string; checkedAt: number }
const cache = new Map<string, Promise<Cached | null>>()

/**
 * One OpenID Provider per municipality, its issuer `${APP_URL}/m/<slug>/oidc`:
 * built on first use and kept, rebuilt when the signing keys were rotated
 * (`node ace oidc:rotate-keys`, checked once a minute).
 */
export default class OidcProviders {
  static async forSlug(slug: string) {
    let entry = cache.get(slug)
    let cached = entry ? await entry.catch(() => null) : null
    if (cached && Date.now() - cached.checkedAt > KEY_CHECK_MS) {
      const keys = await OidcSigningKeys.fingerprint()
      if (keys === cached.keys) cached.checkedAt = Date.now()
      else cached = null
    }
    if (!cached) {
      entry = this.#build(slug)
      cache.set(slug, entry)
      cached = await entry
      if (!cached) cache.delete(slug)
    }
    return cached
  }

  /** Forget every provider (tests that rotate keys; key rotation in this process) */
  static forget() {
    cache.clear()
  }

  static async #build(slug: string): Promise<Cached | null> {
    const municipality = await Municipality.findBy('slug', slug)
    if (!municipality) return null
    const jwks = await OidcSigningKeys.jwks()
    const keys = await OidcSigningKeys.fingerprint()
    const provider = new Provider(
      `${appUrl()}${issuerPath(slug)}`,
      configuration(municipality, jwks)
    )
    // Forwarded headers as the app resolved them (OidcEndpointController)
    provider.proxy = true
    // A confidential client's secret is kept as a hash: compare hashes
    provider.Client.prototype.compareClientSecret = function (
      this: { clientSecret?: string },
      actual: string
    ) {
      return Boolean(this.clientSecret) && hashClientSecret(actual) === this.clientSecret
    }
    provider.use(auditOidcRequest(municipality.id))
    return { provider, municipality, keys, checkedAt: Date.now() }
  }
}

function configuration(municipality: Municipality, jwks: { keys: Record<string, unknown>[] }) {
  const resource = apiResource()
  return {
    adapter: lucidAdapterFor(municipality.id),
    jwks,
    clients: [],
    cookies: {
      keys: [derivedKey('cookies').toString('base64url')],
      long: { httpOnly: true, sameSite: 'lax' },
      short: { httpOnly: true, sameSite: 'lax' },
    },
    scopes: Object.keys(SCOPE_CLAIMS).concat('offline_access'),
    claims: SCOPE_CLAIMS,
    subjectTypes: ['pairwise'],
    pairwiseIdentifier(_ctx: unknown, accountId: string, client: { sectorIdentifier: string }) {
      return createHmac('sha256', derivedKey('pairwise'))
        .update(`${client.sectorIdentifier} ${accountId}`)
        .digest('base64url')
    },
    renderError: renderOidcError,
    responseTypes: ['code'],
    pkce: { required: () => true },
    clientDefaults: {
      grant_types: ['authorization_code'],
      response_types: ['code'],
      id_token_signed_response_alg: 'RS256',
      token_endpoint_auth_method: 'client_secret_basic',
      subject_type: 'pairwise',
    },
    enabledJWA: {
      idTokenSigningAlgValues: ['RS256', 'ES256'],
    },
    async findAccount(ctx: { oidc?: { client?: { clientId: string } } }, id: string) {
      const account = await residentAccount(municipality.id, id)
      if (!account) return undefined
      return {
        accountId: id,
        async claims(use: string, scope: string) {
          if (use === 'userinfo') {
            await auditUserinfoRead(ctx, municipality.id, account.resident.id, scope)
          }
          return { sub: id, ...account.claims }
        },
      }
    },
    interactions: {
      url: (_ctx: unknown, interaction: { uid: string }) =>
        `${issuerPath(municipality.slug)}/interaction/${interaction.uid}`,
    },
    features: {
      devInteractions: { enabled: false },
      revocation: { enabled: true },
      userinfo: { enabled: true },
      rpInitiatedLogout: {
        enabled: true,
        logoutSource: renderLogoutPage,
        postLogoutSuccessSource: renderSignedOutPage,
      },
      backchannelLogout: { enabled: true },
      introspection: { enabled: false },
      resourceIndicators: {
        enabled: true,
        // Only a grant that holds an API scope gets the API's token: a
        // token for the userinfo endpoint otherwise
        defaultResource: (ctx: { oidc: { params?: { scope?: string } } }) => {
          const scopes = String(ctx.oidc.params?.scope ?? '').split(' ')
          return API_SCOPES.some((scope) => scopes.includes(scope)) ? resource : undefined
        },
        useGrantedResource: () => true,
        getResourceServerInfo: (_ctx: unknown, indicator: string) => {
          if (indicator !== resource) throw new errors.InvalidTarget()
          return {
            scope: API_SCOPES.join(' '),
            audience: resource,
            accessTokenTTL: 600,
            accessTokenFormat: 'jwt',
            jwt: { sign: { alg: 'RS256' } },
          }
        },
      },
    },
    rotateRefreshToken: true,
    ttl: {
      AccessToken: 600,
      AuthorizationCode: 60,
      IdToken: 3600,
      Interaction: 3600,
      RefreshToken: 14 * 24 * 3600,
      Session: 14 * 24 * 3600,
      Grant: 180 * 24 * 3600,
    },
  }
}
