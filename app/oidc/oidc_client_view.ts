import type OidcClient from '#oidc/oidc_client'
import type { OidcClientSettings } from '#oidc/oidc_client_registry'
import { OIDC_SCOPES } from '#oidc/oidc_clients'
import { lines } from '#oidc/oidc_client_validator'

/** The form's fields as the validators give them */
export type OidcClientInput = {
  name: string
  logo_text?: string
  redirect_uris: string
  post_logout_redirect_uris?: string
  backchannel_logout_uri?: string
  allowed_scopes: string[]
}

/** A client as the console's pages show it (never its secret or hash) */
export function oidcClientView(client: OidcClient) {
  return {
    id: client.id,
    clientId: client.clientId,
    name: client.name,
    logoText: client.logoText,
    type: client.type,
    redirectUris: client.redirectUris,
    postLogoutRedirectUris: client.postLogoutRedirectUris,
    backchannelLogoutUri: client.backchannelLogoutUri,
    allowedScopes: client.allowedScopes,
    disabled: Boolean(client.disabledAt),
    createdAt: client.createdAt.toISO(),
  }
}

/** The form's fields as the registry takes them: one URI per line, openid always */
export function oidcClientSettings(input: OidcClientInput): OidcClientSettings {
  const scopes = new Set<string>(input.allowed_scopes)
  // Every client signs residents in: openid always
  scopes.add('openid')
  return {
    name: input.name,
    logoText: input.logo_text || null,
    redirectUris: lines(input.redirect_uris),
    postLogoutRedirectUris: lines(input.post_logout_redirect_uris ?? ''),
    backchannelLogoutUri: lines(input.backchannel_logout_uri ?? '')[0] ?? null,
    allowedScopes: OIDC_SCOPES.filter((scope) => scopes.has(scope)),
  }
}
