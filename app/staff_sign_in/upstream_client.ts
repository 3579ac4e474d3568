import * as oidc from 'openid-client'
import app from '@adonisjs/core/services/app'

/** Seconds to wait for the identity provider before giving up */
const TIMEOUT_SECONDS = 10

/**
 * Why an identity provider could not be used: it did not answer
 * (`unreachable`), or its discovery document is not that of an OpenID
 * Provider for this issuer (`invalid`), or it speaks plain http outside
 * development (`insecure`).
 */
export class UpstreamUnusable extends Error {
  constructor(
    readonly reason: 'unreachable' | 'invalid' | 'insecure',
    options?: { cause?: unknown }
  ) {
    super(`identity provider unusable: ${reason}`, options)
  }
}

const LOOPBACK = new Set(['localhost', '127.0.0.1', '[::1]'])

/**
 * Plain http is for a provider on this machine outside production only
 * (the tests' and the demo's identity provider); everywhere else, https.
 */
function allowsHttp(url: URL) {
  return url.protocol === 'http:' && !app.inProduction && LOOPBACK.has(url.hostname)
}

/**
 * The relying party's configuration for a municipality's identity provider:
 * discovery (issuer checked against the document), then the client's
 * authentication as the provider supports it (client_secret_basic, the
 * default of OpenID Connect, else client_secret_post).
 */
export async function connectUpstream(issuer: string, clientId: string, clientSecret: string) {
  let url: URL
  try {
    url = new URL(issuer)
  } catch (error) {
    throw new UpstreamUnusable('invalid', { cause: error })
  }
  const insecure = allowsHttp(url)
  if (url.protocol !== 'https:' && !insecure) throw new UpstreamUnusable('insecure')

  let discovered: oidc.Configuration
  try {
    discovered = await oidc.discovery(url, clientId, undefined, oidc.None(), {
      execute: insecure ? [oidc.allowInsecureRequests] : [],
      timeout: TIMEOUT_SECONDS,
    })
  } catch (error) {
    throw new UpstreamUnusable(isNetworkError(error) ? 'unreachable' : 'invalid', {
      cause: error,
    })
  }
  const server = discovered.serverMetadata()
  if (!server.authorization_endpoint || !server.token_endpoint) {
    throw new UpstreamUnusable('invalid')
  }
  const methods = server.token_endpoint_auth_methods_supported ?? ['client_secret_basic']
  const authentication = methods.includes('client_secret_basic')
    ? oidc.ClientSecretBasic(clientSecret)
    : oidc.ClientSecretPost(clientSecret)
  const config = new oidc.Configuration(server, clientId, clientSecret, authentication)
  config.timeout = TIMEOUT_SECONDS
  if (insecure) oidc.allowInsecureRequests(config)
  return config
}

/** No answer at all: refused connection, unknown host, timeout */
function isNetworkError(error: unknown) {
  if (!(error instanceof Error)) return false
  if (error.name === 'TimeoutError' || error.name === 'AbortError') return true
  return error instanceof TypeError && /fetch failed/i.test(error.message)
}
