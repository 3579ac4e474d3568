import { test } from '@japa/runner'
import testUtils from '@adonisjs/core/services/test_utils'
import * as oidc from 'openid-client'
import Municipality from '#tenancy/municipality'
import OidcClients from '#oidc/oidc_clients'
import { OidcBrowser, authorizationRequest, issuerOf, relyingParty } from '#tests/helpers/oidc_flow'

const NURSERY = 'https://nursery.example/callback'

async function minatoClient(overrides: Partial<Parameters<typeof OidcClients.create>[0]> = {}) {
  const minato = await Municipality.findByOrFail('slug', 'minato')
  return OidcClients.create({
    municipalityId: minato.id,
    name: 'みなと保育予約',
    logoText: '保育',
    redirectUris: [NURSERY],
    postLogoutRedirectUris: ['https://nursery.example/bye'],
    allowedScopes: ['openid', 'profile', 'email', 'phone', 'offline_access', 'tomoni:balances'],
    type: 'public',
    ...overrides,
  })
}

test.group('OpenID Provider: discovery and the code flow', (group) => {
  group.each.setup(() => testUtils.db().withGlobalTransaction())

  test('discovery validates with openid-client and names the issuer, JWKS and PKCE S256', async ({
    assert,
  }) => {
    const { client } = await minatoClient()
    const config = await relyingParty('minato', client.clientId)
    const metadata = config.serverMetadata()
    assert.equal(metadata.issuer, issuerOf('minato'))
    assert.equal(metadata.jwks_uri, `${issuerOf('minato')}/jwks`)
    assert.deepEqual(metadata.code_challenge_methods_supported, ['S256'])
    assert.deepEqual(metadata.response_types_supported, ['code'])
    assert.deepEqual(metadata.subject_types_supported, ['pairwise'])
    const jwks = await fetch(metadata.jwks_uri!).then(
      (response) => response.json() as Promise<{ keys: { alg: string }[] }>
    )
    assert.includeMembers(
      jwks.keys.map((key: { alg: string }) => key.alg),
      ['RS256', 'ES256']
    )
    assert.notProperty(jwks.keys[0], 'd')
  })

  test('a signed-in resident consents once; code, PKCE, ID token, userinfo', async ({
    client,
    assert,
  }) => {
    const { client: rp } = await minatoClient()
    const config = await relyingParty('minato', rp.clientId)
    const browser = await OidcBrowser.signedIn(client, 'hanako@example.jp')
    const request = await authorizationRequest(config, NURSERY, 'openid profile email phone')

    const consent = await browser.follow(request.url, NURSERY)
    assert.equal(consent.kind, 'consent')
    if (consent.kind !== 'consent') return
    assert.equal(consent.props.client.name, 'みなと保育予約')
    assert.deepEqual(consent.props.scopes, ['openid', 'profile', 'email', 'phone'])
    const done = await browser.answer(consent, true, NURSERY)
    assert.equal(done.kind, 'callback')
    if (done.kind !== 'callback') return

    const tokens = await oidc.authorizationCodeGrant(config, done.url, {
      pkceCodeVerifier: request.verifier,
      expectedState: request.state,
    })
    const claims = tokens.claims()!
    assert.equal(claims.iss, issuerOf('minato'))
    assert.equal(claims.aud, rp.clientId)
    const info = await oidc.fetchUserInfo(config, tokens.access_token, claims.sub)
    assert.equal(info.email, 'hanako@example.jp')
    assert.isString(info.name)
    assert.isString(info.name_kana)
  })
})
