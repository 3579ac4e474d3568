import Municipality from '#tenancy/municipality'
import OidcClient from '#oidc/oidc_client'
import OidcClients from '#oidc/oidc_clients'
import { appUrl } from '#oidc/oidc_providers'

/** The demo relying party's client id (a public client: PKCE, no secret) */
export const DEMO_OIDC_CLIENT_ID = 'tomoni-demo-rp'

/**
 * The demo municipality's one relying party, for the demo "Sign in with
 * Tomoni" page at `${APP_URL}/demo-rp`. Seeded once; its addresses follow
 * APP_URL.
 */
export async function seedDemoOidcClient() {
  const minato = await Municipality.findByOrFail('slug', 'minato')
  const redirectUris = [`${appUrl()}/demo-rp/callback`]
  const postLogoutRedirectUris = [`${appUrl()}/demo-rp`]
  const existing = await OidcClient.findBy('clientId', DEMO_OIDC_CLIENT_ID)
  if (existing) {
    existing.merge({ redirectUris, postLogoutRedirectUris })
    await existing.save()
    return existing
  }
  const { client } = await OidcClients.create({
    municipalityId: minato.id,
    clientId: DEMO_OIDC_CLIENT_ID,
    name: 'デモ：みなと子育てポータル',
    logoText: 'みなと',
    redirectUris,
    postLogoutRedirectUris,
    allowedScopes: ['openid', 'offline_access', 'profile', 'email', 'phone', 'tomoni:balances'],
    type: 'public',
  })
  return client
}
