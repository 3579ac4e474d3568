import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'

/** Who the test IdP signs in at its next login, and how */
export type UpstreamLogin = {
  /** The upstream subject (sub) */
  accountId: string
  /** Authentication method references (RFC 8176) asserted in the ID token */
  amr?: string[]
  acr?: string
  /** The account is gone upstream: the IdP refuses the login */
  gone?: boolean
}

export type UpstreamAccount = { email: string; emailVerified?: boolean }

/**
 * A real OpenID Provider (panva's oidc-provider) on a spare port, standing
 * for a municipality's identity provider in tests. Its login interaction
 * signs in `nextLogin` at once (no login form), as if the person had typed
 * their password there; consent is granted for its one client.
 */
export default class TestIdentityProvider {
  readonly accounts = new Map<string, UpstreamAccount>()
  nextLogin: UpstreamLogin | null = null
  #server?: Server
  #provider: any

  port = 0

  constructor(
    readonly client: { clientId: string; clientSecret: string; redirectUris: string[] }
  ) {}

  get issuer() {
    return `http://127.0.0.1:${this.port}`
  }

  /** Listens on a free loopback port, then builds the provider for that issuer */
  async start() {
    this.#server = createServer((req, res) => this.#handle(req, res))
    await new Promise<void>((resolve) => this.#server!.listen(0, '127.0.0.1', resolve))
    this.port = (this.#server.address() as AddressInfo).port
    // No type declarations ship with oidc-provider: load it untyped
    const moduleName = 'oidc-provider'
    const { default: Provider } = (await import(moduleName)) as { default: any }
    const accounts = this.accounts
    const provider = new Provider(this.issuer, {
      clients: [
        {
          client_id: this.client.clientId,
          client_secret: this.client.clientSecret,
          redirect_uris: this.client.redirectUris,
          response_types: ['code'],
          grant_types: ['authorization_code'],
        },
      ],
      claims: {
        sid: null,
        iss: null,
        // How the person signed in (amr, acr), in every ID token, as Entra ID does
        openid: ['sub', 'acr', 'amr', 'auth_time'],
        email: ['email', 'email_verified'],
      },
      features: { devInteractions: { enabled: false } },
      pkce: { required: () => true },
      cookies: { keys: ['test-identity-provider-cookie-key'] },
      interactions: {
        url: (_ctx: unknown, interaction: { uid: string }) => `/interaction/${interaction.uid}`,
      },
      async findAccount(_ctx: unknown, id: string) {
        const account = accounts.get(id)
        if (!account) return undefined
        return {
          accountId: id,
          claims: async () => ({
            sub: id,
            email: account.email,
            email_verified: account.emailVerified ?? true,
          }),
        }
      },
      // Consent is the municipality's business, not the test's
      async loadExistingGrant(ctx: any) {
        const grant = new ctx.oidc.provider.Grant({
          clientId: ctx.oidc.client.clientId,
          accountId: ctx.oidc.session.accountId,
        })
        grant.addOIDCScope('openid email profile')
        await grant.save()
        return grant
      },
    })
    this.#provider = provider
    this.#handler = provider.callback()

    return this
  }

  #handler?: (req: IncomingMessage, res: ServerResponse) => void

  async #handle(req: IncomingMessage, res: ServerResponse) {
    if (!req.url?.startsWith('/interaction/')) return this.#handler!(req, res)
    try {
      const login = this.nextLogin
      const result =
        !login || login.gone
          ? { error: 'access_denied', error_description: 'account not found' }
          : { login: { accountId: login.accountId, amr: login.amr, acr: login.acr } }
      await this.#provider.interactionFinished(req, res, result, { mergeWithLastSubmission: false })
    } catch (error) {
      res.statusCode = 500
      res.end(String(error))
    }
  }

  async stop() {
    const server = this.#server
    if (!server) return
    const closed = new Promise<void>((resolve) => server.close(() => resolve()))
    server.closeAllConnections()
    await closed
  }
}

/**
 * Follows a browser's redirects through the identity provider (its own
 * cookies kept), from the authorization URL until it sends the browser
 * back to `until` (Tomoni's callback): returns that URL.
 */
export async function followUpstream(start: string, until: string) {
  const cookies = new Map<string, string>()
  let url = start
  for (let hop = 0; hop < 10; hop++) {
    if (url.startsWith(until)) return url
    const response = await fetch(url, {
      redirect: 'manual',
      headers: { cookie: [...cookies].map(([name, value]) => `${name}=${value}`).join('; ') },
    })
    for (const line of response.headers.getSetCookie()) {
      const [pair] = line.split(';')
      const separator = pair.indexOf('=')
      cookies.set(pair.slice(0, separator).trim(), pair.slice(separator + 1).trim())
    }
    const location = response.headers.get('location')
    if (!location) {
      throw new Error(
        `The identity provider stopped at ${url}: ${response.status} ${await response.text()}`
      )
    }
    url = new URL(location, url).href
  }
  throw new Error(`Too many redirects from ${start}`)
}

/** A loopback address where nothing listens (a port just freed) */
export async function deadIssuer() {
  const server = createServer()
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  await new Promise<void>((resolve) => server.close(() => resolve()))
  return `http://127.0.0.1:${port}`
}
