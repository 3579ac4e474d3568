import * as oidc from 'openid-client'
import type { ApiClient } from '@japa/api-client'
import env from '#start/env'
import BrowserSession from '#tests/helpers/browser_session'
import { DEMO_PASSWORD } from '#database/demo_data'

export function baseUrl() {
  return `http://${env.get('HOST')}:${env.get('PORT')}`
}

export function issuerOf(slug: string) {
  return `${String(env.get('APP_URL')).replace(/\/$/, '')}/m/${slug}/oidc`
}

/**
 * A relying party: openid-client v6 discovering a municipality's issuer
 * over plain HTTP (the test server), checking ID token signatures against
 * the JWKS (non-repudiation checks).
 */
export async function relyingParty(slug: string, clientId: string, secret?: string | null) {
  const config = await oidc.discovery(
    new URL(issuerOf(slug)),
    clientId,
    undefined,
    secret ? oidc.ClientSecretBasic(secret) : oidc.None(),
    { execute: [oidc.allowInsecureRequests] }
  )
  oidc.enableNonRepudiationChecks(config)
  return config
}

/** Path and query of a URL of the test server (the API client takes paths) */
function local(url: string) {
  const parsed = new URL(url, baseUrl())
  return `${parsed.pathname}${parsed.search}`
}

export type Outcome =
  | { kind: 'callback'; url: URL }
  | { kind: 'login'; location: string }
  | { kind: 'consent'; props: Record<string, any>; url: string }
  | { kind: 'refused'; props: Record<string, any>; status: number }
  | { kind: 'error'; status: number; body: string }

/**
 * A browser following the authorization's redirects on the test server
 * (Tomoni's session and oidc-provider's cookies in one jar) until it
 * leaves for the relying party, or a page asks something.
 */
export class OidcBrowser {
  readonly session: BrowserSession

  constructor(client: ApiClient) {
    this.session = new BrowserSession(client)
  }

  static async signedIn(client: ApiClient, email: string) {
    const browser = new OidcBrowser(client)
    await browser.session.signIn(email, DEMO_PASSWORD)
    return browser
  }

  async follow(start: string, redirectUri: string): Promise<Outcome> {
    let url = start
    for (let hops = 0; hops < 12; hops++) {
      if (url.startsWith(redirectUri)) return { kind: 'callback', url: new URL(url) }
      const path = local(url)
      if (path.startsWith('/login')) return { kind: 'login', location: path }
      const interaction = /\/oidc\/interaction\//.test(path)
      const response = await this.session.send('get', path, undefined, interaction)
      const inertiaLocation = response.status() === 409 && response.header('x-inertia-location')
      if (inertiaLocation || (response.status() >= 300 && response.status() < 400)) {
        const to = String(inertiaLocation || response.header('location'))
        url = new URL(to, url.startsWith('http') ? url : baseUrl()).href
        continue
      }
      if (interaction) {
        const page = response.body()
        if (page.component === 'oidc/consent')
          return { kind: 'consent', props: page.props, url: path }
        if (page.component === 'oidc/refused') {
          return { kind: 'refused', props: page.props, status: response.status() }
        }
      }
      console.log('OIDC', path, response.status(), response.text().slice(0, 600))
      return { kind: 'error', status: response.status(), body: response.text() }
    }
    throw new Error('too many redirects')
  }

  /** Presses 許可する (or 許可しない) on the consent page, then follows on */
  async answer(consent: { props: Record<string, any> }, allow: boolean, redirectUri: string) {
    const response = await this.session.post(
      allow ? consent.props.confirmUrl : consent.props.abortUrl
    )
    const to = response.header('x-inertia-location') ?? response.header('location')
    if (!to) throw new Error(`no way on after consent: ${response.status()} ${response.text()}`)
    return this.follow(String(to), redirectUri)
  }

  /** The whole authorization: consent given when asked; the callback URL */
  async authorize(start: string, redirectUri: string) {
    let outcome = await this.follow(start, redirectUri)
    if (outcome.kind === 'consent') outcome = await this.answer(outcome, true, redirectUri)
    if (outcome.kind !== 'callback') throw new Error(`no callback: ${JSON.stringify(outcome)}`)
    return outcome.url
  }
}

/** A fresh authorization request of a relying party, with PKCE (S256) and state */
export async function authorizationRequest(
  config: oidc.Configuration,
  redirectUri: string,
  scope: string,
  extra: Record<string, string> = {}
) {
  const verifier = oidc.randomPKCECodeVerifier()
  const state = oidc.randomState()
  const url = oidc.buildAuthorizationUrl(config, {
    redirect_uri: redirectUri,
    scope,
    state,
    code_challenge: await oidc.calculatePKCECodeChallenge(verifier),
    code_challenge_method: 'S256',
    ...extra,
  })
  return { url: url.href, verifier, state }
}
