import * as oidc from 'openid-client'
import type { HttpContext } from '@adonisjs/core/http'
import { DEMO_OIDC_CLIENT_ID } from '#database/demo_oidc_client'
import { appUrl } from '#oidc/oidc_providers'

/** The demo municipality whose issuer the demo signs in with */
export const DEMO_MUNICIPALITY = 'minato'

/** What the demo asks for: who you are, your name and your address */
export const DEMO_SCOPES = ['openid', 'profile', 'email']

/** The demo's own keys in Tomoni's session (kept apart from everything else) */
const PENDING_KEY = 'demo_rp.pending'
const RESULT_KEY = 'demo_rp.result'
const ERROR_KEY = 'demo_rp.error'

type Pending = { verifier: string; state: string; nonce: string }
export type DemoResult = {
  claims: Record<string, unknown>
  userinfo: Record<string, unknown>
  scope: string
  signedInAt: string
}

export function demoIssuer() {
  return `${appUrl()}/m/${DEMO_MUNICIPALITY}/oidc`
}

export function demoRedirectUri() {
  return `${appUrl()}/demo-rp/callback`
}

let configuration: Promise<oidc.Configuration> | null = null

/** openid-client's discovery of the demo issuer, once per process (again after a failure) */
function discovered() {
  configuration ??= oidc
    .discovery(new URL(demoIssuer()), DEMO_OIDC_CLIENT_ID, undefined, oidc.None(), {
      // The development server speaks plain HTTP
      execute: appUrl().startsWith('http:') ? [oidc.allowInsecureRequests] : [],
    })
    .catch((error) => {
      configuration = null
      throw error
    })
  return configuration
}

/**
 * A small relying party of the demo municipality's OpenID Provider, as a
 * municipality's other service would be: openid-client v6, authorization
 * code with PKCE (S256), state and nonce checked, the ID token's claims and
 * userinfo kept in Tomoni's session under the demo's own keys.
 */
export default class DemoRelyingParty {
  /** The authorization URL to send the browser to; the checks wait in the session */
  static async begin(session: HttpContext['session']) {
    const config = await discovered()
    const pending: Pending = {
      verifier: oidc.randomPKCECodeVerifier(),
      state: oidc.randomState(),
      nonce: oidc.randomNonce(),
    }
    session.put(PENDING_KEY, pending)
    return oidc.buildAuthorizationUrl(config, {
      redirect_uri: demoRedirectUri(),
      scope: DEMO_SCOPES.join(' '),
      state: pending.state,
      nonce: pending.nonce,
      code_challenge: await oidc.calculatePKCECodeChallenge(pending.verifier),
      code_challenge_method: 'S256',
    }).href
  }

  /**
   * Back from the provider: the code exchanged (PKCE verifier, state,
   * nonce checked), userinfo read. Failures are kept as a message key for
   * the page: refused, expired, or anything else.
   */
  static async finish(session: HttpContext['session'], path: string) {
    const pending = session.pull(PENDING_KEY) as Pending | undefined
    if (!pending) return this.#fail(session, 'expired')
    try {
      const config = await discovered()
      const tokens = await oidc.authorizationCodeGrant(config, new URL(path, appUrl()), {
        pkceCodeVerifier: pending.verifier,
        expectedState: pending.state,
        expectedNonce: pending.nonce,
      })
      const claims = tokens.claims()!
      const userinfo = await oidc.fetchUserInfo(config, tokens.access_token, claims.sub)
      const result: DemoResult = {
        claims: { ...claims },
        userinfo: { ...userinfo },
        scope: tokens.scope ?? DEMO_SCOPES.join(' '),
        signedInAt: new Date().toISOString(),
      }
      session.put(RESULT_KEY, result)
      session.forget(ERROR_KEY)
    } catch (error) {
      const code = (error as { error?: string }).error
      return this.#fail(session, code === 'access_denied' ? 'refused' : 'failed')
    }
  }

  static result(session: HttpContext['session']) {
    return (session.get(RESULT_KEY) as DemoResult | undefined) ?? null
  }

  /** The error of the last attempt, shown once */
  static error(session: HttpContext['session']) {
    return (session.pull(ERROR_KEY) as string | undefined) ?? null
  }

  /** Signs out of the demo only (Tomoni's own sign-in stays: the next sign-in asks nothing) */
  static forget(session: HttpContext['session']) {
    session.forget(RESULT_KEY)
    session.forget(PENDING_KEY)
  }

  static #fail(session: HttpContext['session'], reason: 'expired' | 'refused' | 'failed') {
    session.forget(RESULT_KEY)
    session.put(ERROR_KEY, reason)
  }
}
