import { test } from '@japa/runner'
import type { ApiClient } from '@japa/api-client'
import testUtils from '@adonisjs/core/services/test_utils'
import db from '@adonisjs/lucid/services/db'
import * as oidc from 'openid-client'
import { DateTime } from 'luxon'
import Municipality from '#tenancy/municipality'
import OidcClients from '#oidc/oidc_clients'
import { apiResource } from '#oidc/oidc_providers'
import { chainKeyFor } from '#audit/audit_event_input'
import { rejection } from '#tests/helpers/oidc_refusals'
import {
  type Outcome,
  OidcBrowser,
  authorizationRequest,
  baseUrl,
  issuerOf,
  relyingParty,
} from '#tests/helpers/oidc_flow'

const NURSERY = 'https://nursery.example/callback'
const CHECKUP = 'https://checkup.example/callback'
const SCOPES = ['openid', 'profile', 'email', 'phone', 'offline_access', 'tomoni:balances']

async function minatoClient(overrides: Partial<Parameters<typeof OidcClients.create>[0]> = {}) {
  const minato = await Municipality.findByOrFail('slug', 'minato')
  return OidcClients.create({
    municipalityId: minato.id,
    name: 'みなと保育予約',
    logoText: '保育',
    redirectUris: [NURSERY],
    postLogoutRedirectUris: ['https://nursery.example/bye'],
    allowedScopes: SCOPES,
    type: 'public',
    ...overrides,
  })
}

/** Minato's nursery service (a public client), its relying party, and Hanako signed in to Tomoni */
async function hanakoAtNursery(
  client: ApiClient,
  overrides: Partial<Parameters<typeof OidcClients.create>[0]> = {}
) {
  const { client: rp } = await minatoClient(overrides)
  const config = await relyingParty('minato', rp.clientId)
  const browser = await OidcBrowser.signedIn(client, 'hanako@example.jp')
  return { rp, config, browser }
}

/** A confidential client (with its secret) at another sector (host) */
async function checkupClient() {
  return minatoClient({
    name: 'みなと健診ポータル',
    redirectUris: [CHECKUP],
    postLogoutRedirectUris: [],
    type: 'confidential',
  })
}

/** Signs Hanako in to a relying party, consenting when asked: its tokens */
async function signInThrough(
  browser: OidcBrowser,
  config: oidc.Configuration,
  redirectUri: string,
  scope: string,
  extra: Record<string, string> = {}
) {
  const request = await authorizationRequest(config, redirectUri, scope, extra)
  const callback = await browser.authorize(request.url, redirectUri)
  return oidc.authorizationCodeGrant(config, callback, {
    pkceCodeVerifier: request.verifier,
    expectedState: request.state,
  })
}

async function minatoEvents(action: string) {
  const minato = await Municipality.findByOrFail('slug', 'minato')
  return db
    .from('audit_events')
    .where('chain_key', chainKeyFor(minato.id))
    .where('action', action)
    .orderBy('sequence', 'desc')
}

/** The error code a refused authorization sends back to the relying party */
function errorAtCallback(outcome: Outcome) {
  return outcome.kind === 'callback' ? outcome.url.searchParams.get('error') : outcome.kind
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
    assert.includeMembers(metadata.scopes_supported!, SCOPES)
    assert.isString(metadata.end_session_endpoint)
    assert.isString(metadata.revocation_endpoint)
    assert.isTrue(metadata.backchannel_logout_supported)
    const jwks = await fetch(metadata.jwks_uri!).then(
      (response) => response.json() as Promise<{ keys: Record<string, unknown>[] }>
    )
    assert.includeMembers(
      jwks.keys.map((key) => key.alg),
      ['RS256', 'ES256']
    )
    for (const key of jwks.keys) assert.notProperty(key, 'd')
  })

  test('a signed-in resident consents once: code with PKCE, a signed ID token, userinfo by scope', async ({
    client,
    assert,
  }) => {
    const { rp, config, browser } = await hanakoAtNursery(client)
    const request = await authorizationRequest(config, NURSERY, 'openid profile email')

    const consent = await browser.follow(request.url, NURSERY)
    assert.equal(consent.kind, 'consent')
    if (consent.kind !== 'consent') return
    assert.equal(consent.props.client.name, 'みなと保育予約')
    assert.equal(consent.props.client.logoText, '保育')
    assert.deepEqual(consent.props.scopes, ['openid', 'profile', 'email'])
    const done = await browser.answer(consent, true, NURSERY)
    assert.equal(done.kind, 'callback')
    if (done.kind !== 'callback') return

    // openid-client checks the ID token's signature against the JWKS (non-repudiation)
    const tokens = await oidc.authorizationCodeGrant(config, done.url, {
      pkceCodeVerifier: request.verifier,
      expectedState: request.state,
    })
    const claims = tokens.claims()!
    assert.equal(claims.iss, issuerOf('minato'))
    assert.equal(claims.aud, rp.clientId)
    assert.isUndefined(tokens.refresh_token)
    const info = await oidc.fetchUserInfo(config, tokens.access_token, claims.sub)
    assert.equal(info.email, 'hanako@example.jp')
    assert.isTrue(info.email_verified)
    assert.isString(info.name)
    assert.isString(info.name_kana)
    assert.notProperty(info, 'phone_number')

    const [consented] = await minatoEvents('oidc.consent_given')
    assert.equal(JSON.parse(consented.details).client_id, rp.clientId)
    assert.equal(consented.purpose, 'service_linkage')
    const [issued] = await minatoEvents('oidc.tokens_issued')
    assert.equal(issued.subject_resident_id, consented.subject_resident_id)
    const [read] = await minatoEvents('oidc.userinfo_read')
    assert.equal(JSON.parse(read.details).client_id, rp.clientId)

    // Same scopes again: no password, no consent page, straight back with a code
    const again = await authorizationRequest(config, NURSERY, 'openid profile email')
    const second = await browser.follow(again.url, NURSERY)
    assert.equal(second.kind, 'callback')
    if (second.kind === 'callback') assert.isString(second.url.searchParams.get('code'))
  })

  test('signed out: the usual sign-in page, then back to the consent', async ({
    client,
    assert,
  }) => {
    const { client: rp } = await minatoClient()
    const config = await relyingParty('minato', rp.clientId)
    const browser = new OidcBrowser(client)
    const request = await authorizationRequest(config, NURSERY, 'openid')
    const first = await browser.follow(request.url, NURSERY)
    assert.equal(first.kind, 'login')

    const signedIn = await browser.session.signIn('hanako@example.jp', 'tomoni-demo-2026')
    const back = String(signedIn.header('location'))
    assert.match(back, /^\/m\/minato\/oidc\/interaction\//)
    const consent = await browser.follow(back, NURSERY)
    assert.equal(consent.kind, 'consent')
  })

  test('two services get two different subjects for the same resident (pairwise)', async ({
    client,
    assert,
  }) => {
    const { client: nursery } = await minatoClient()
    const { client: checkup, secret } = await checkupClient()
    const browser = await OidcBrowser.signedIn(client, 'hanako@example.jp')
    const one = await signInThrough(
      browser,
      await relyingParty('minato', nursery.clientId),
      NURSERY,
      'openid'
    )
    const two = await signInThrough(
      browser,
      await relyingParty('minato', checkup.clientId, secret),
      CHECKUP,
      'openid'
    )
    assert.notEqual(one.claims()!.sub, two.claims()!.sub)
  })

  test('refresh tokens rotate: the old one is refused; revocation ends the tokens', async ({
    client,
    assert,
  }) => {
    const { client: rp, secret } = await checkupClient()
    const config = await relyingParty('minato', rp.clientId, secret)
    const browser = await OidcBrowser.signedIn(client, 'hanako@example.jp')
    const tokens = await signInThrough(browser, config, CHECKUP, 'openid email offline_access', {
      prompt: 'consent',
    })
    assert.isString(tokens.refresh_token)

    const refreshed = await oidc.refreshTokenGrant(config, tokens.refresh_token!)
    assert.isString(refreshed.refresh_token)
    assert.notEqual(refreshed.refresh_token, tokens.refresh_token)
    assert.equal(
      await rejection(oidc.refreshTokenGrant(config, tokens.refresh_token!)),
      'invalid_grant'
    )
    assert.lengthOf(await minatoEvents('oidc.tokens_refreshed'), 1)

    // A wrong secret is no client at all
    const impostor = await relyingParty('minato', rp.clientId, 'not-the-secret')
    assert.equal(
      await rejection(oidc.refreshTokenGrant(impostor, refreshed.refresh_token!)),
      'invalid_client'
    )
    // The replayed old token ended its grant: the newer token is refused too
    assert.equal(
      await rejection(oidc.refreshTokenGrant(config, refreshed.refresh_token!)),
      'invalid_grant'
    )
  })

  test('revocation: a revoked refresh token refreshes nothing, a revoked access token reads nothing', async ({
    client,
    assert,
  }) => {
    const { client: rp, secret } = await checkupClient()
    const config = await relyingParty('minato', rp.clientId, secret)
    const browser = await OidcBrowser.signedIn(client, 'hanako@example.jp')
    const tokens = await signInThrough(browser, config, CHECKUP, 'openid email offline_access', {
      prompt: 'consent',
    })
    const sub = tokens.claims()!.sub
    const info = await oidc.fetchUserInfo(config, tokens.access_token, sub)
    assert.equal(info.sub, sub)

    await oidc.tokenRevocation(config, tokens.access_token)
    assert.equal(
      await rejection(oidc.fetchUserInfo(config, tokens.access_token, sub)),
      'invalid_token'
    )
    // Revoking a token ends every token of its grant: the refresh token too
    assert.equal(
      await rejection(oidc.refreshTokenGrant(config, tokens.refresh_token!)),
      'invalid_grant'
    )
    assert.lengthOf(await minatoEvents('oidc.token_revoked'), 1)

    // A refresh token revoked by itself
    const next = await signInThrough(browser, config, CHECKUP, 'openid email offline_access', {
      prompt: 'consent',
    })
    await oidc.tokenRevocation(config, next.refresh_token!)
    assert.equal(
      await rejection(oidc.refreshTokenGrant(config, next.refresh_token!)),
      'invalid_grant'
    )
    assert.lengthOf(await minatoEvents('oidc.token_revoked'), 2)
  })

  test('the API scope gets a JWT access token (RFC 9068) for the Tomoni API', async ({
    client,
    assert,
  }) => {
    const { rp, config, browser } = await hanakoAtNursery(client)
    const tokens = await signInThrough(browser, config, NURSERY, 'openid tomoni:balances')
    const [header, payload] = tokens.access_token
      .split('.')
      .slice(0, 2)
      .map((part) => JSON.parse(Buffer.from(part, 'base64url').toString()))
    assert.equal(header.typ, 'at+jwt')
    assert.equal(payload.aud, apiResource())
    assert.equal(payload.iss, issuerOf('minato'))
    assert.equal(payload.scope, 'tomoni:balances')
    assert.equal(payload.client_id, rp.clientId)
  })

  test('RP-initiated logout ends the provider session and returns to the service', async ({
    client,
    assert,
  }) => {
    const { config, browser } = await hanakoAtNursery(client)
    const tokens = await signInThrough(browser, config, NURSERY, 'openid')
    const endUrl = oidc.buildEndSessionUrl(config, {
      id_token_hint: tokens.id_token!,
      post_logout_redirect_uri: 'https://nursery.example/bye',
    })
    const cookie = () => [...browser.session.cookies].map(([k, v]) => `${k}=${v}`).join('; ')
    const confirmPage = await fetch(`${baseUrl()}${endUrl.pathname}${endUrl.search}`, {
      headers: { cookie: cookie() },
      redirect: 'manual',
    })
    assert.equal(confirmPage.status, 200)
    const html = await confirmPage.text()
    const action = /action="([^"]+)"/.exec(html)![1]
    const xsrf = /name="xsrf" value="([^"]+)"/.exec(html)![1]
    const confirmed = await fetch(new URL(action, baseUrl()), {
      method: 'POST',
      headers: { 'cookie': cookie(), 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ xsrf, logout: 'yes' }).toString(),
      redirect: 'manual',
    })
    assert.equal(confirmed.status, 303)
    assert.match(String(confirmed.headers.get('location')), /^https:\/\/nursery\.example\/bye/)
    assert.lengthOf(await minatoEvents('oidc.signed_out'), 1)
  })
})

test.group('OpenID Provider: refusals', (group) => {
  group.each.setup(() => testUtils.db().withGlobalTransaction())

  test('a redirect_uri not registered: an error page, never a redirect', async ({
    client,
    assert,
  }) => {
    const { config, browser } = await hanakoAtNursery(client)
    const request = await authorizationRequest(config, 'https://evil.example/callback', 'openid')
    const outcome = await browser.follow(request.url, 'https://evil.example/callback')
    assert.equal(outcome.kind, 'error')
    if (outcome.kind === 'error') {
      assert.equal(outcome.status, 400)
      assert.include(outcome.body, 'redirect_uri')
      assert.include(outcome.body, 'ログインを続けられませんでした')
    }
  })

  test('without PKCE the request is refused; a wrong verifier gets no tokens', async ({
    client,
    assert,
  }) => {
    const { config, browser } = await hanakoAtNursery(client)
    const noPkce = oidc.buildAuthorizationUrl(config, {
      redirect_uri: NURSERY,
      scope: 'openid',
      state: 'x',
    })
    const refused = await browser.follow(noPkce.href, NURSERY)
    assert.equal(errorAtCallback(refused), 'invalid_request')

    const request = await authorizationRequest(config, NURSERY, 'openid')
    const callback = await browser.authorize(request.url, NURSERY)
    const wrong = oidc.authorizationCodeGrant(config, callback, {
      pkceCodeVerifier: oidc.randomPKCECodeVerifier(),
      expectedState: request.state,
    })
    assert.equal(await rejection(wrong), 'invalid_grant')
  })

  test('a replayed code is refused', async ({ client, assert }) => {
    const { config, browser } = await hanakoAtNursery(client)
    const request = await authorizationRequest(config, NURSERY, 'openid')
    const callback = await browser.authorize(request.url, NURSERY)
    const checks = { pkceCodeVerifier: request.verifier, expectedState: request.state }
    await oidc.authorizationCodeGrant(config, callback, checks)
    assert.equal(
      await rejection(oidc.authorizationCodeGrant(config, callback, checks)),
      'invalid_grant'
    )
  })

  test('an expired code is refused', async ({ client, assert }) => {
    const { config, browser } = await hanakoAtNursery(client)
    const request = await authorizationRequest(config, NURSERY, 'openid')
    const callback = await browser.authorize(request.url, NURSERY)
    // Codes live 60 seconds: this one's minute has passed
    await db
      .from('oidc_payloads')
      .where('model', 'AuthorizationCode')
      .update({ expires_at: new Date(Date.now() - 1000) })
    const late = oidc.authorizationCodeGrant(config, callback, {
      pkceCodeVerifier: request.verifier,
      expectedState: request.state,
    })
    assert.equal(await rejection(late), 'invalid_grant')
  })

  test('a disabled client is refused', async ({ client, assert }) => {
    const { client: rp } = await minatoClient()
    const config = await relyingParty('minato', rp.clientId)
    rp.disabledAt = DateTime.now()
    await rp.save()
    const browser = await OidcBrowser.signedIn(client, 'hanako@example.jp')
    const request = await authorizationRequest(config, NURSERY, 'openid')
    const outcome = await browser.follow(request.url, NURSERY)
    assert.equal(outcome.kind, 'error')
    if (outcome.kind === 'error') assert.include(outcome.body, 'invalid_client')
  })

  test('a scope the client may not ask for is refused', async ({ client, assert }) => {
    const { config, browser } = await hanakoAtNursery(client, {
      allowedScopes: ['openid', 'profile'],
    })
    const request = await authorizationRequest(config, NURSERY, 'openid email')
    assert.equal(errorAtCallback(await browser.follow(request.url, NURSERY)), 'invalid_scope')
  })

  test('the resident refuses: the service gets access_denied, and the refusal is audited', async ({
    client,
    assert,
  }) => {
    const { config, browser } = await hanakoAtNursery(client)
    const request = await authorizationRequest(config, NURSERY, 'openid profile')
    const consent = await browser.follow(request.url, NURSERY)
    assert.equal(consent.kind, 'consent')
    if (consent.kind !== 'consent') return
    const outcome = await browser.answer(consent, false, NURSERY)
    assert.equal(errorAtCallback(outcome), 'access_denied')
    assert.lengthOf(await minatoEvents('oidc.consent_refused'), 1)
  })

  test('another municipality: its issuer does not know this client, and signs in none of its residents', async ({
    client,
    assert,
  }) => {
    const { createSecondTenant } = await import('#tests/helpers/tenants')
    const { municipality: shinjuku } = await createSecondTenant()
    const { client: minatoRp } = await minatoClient()
    const browser = await OidcBrowser.signedIn(client, 'hanako@example.jp')

    // Minato's client at Shinjuku's issuer: unknown
    const atShinjuku = await relyingParty('shinjuku', minatoRp.clientId)
    const unknown = await authorizationRequest(atShinjuku, NURSERY, 'openid')
    const outcome = await browser.follow(unknown.url, NURSERY)
    assert.equal(outcome.kind, 'error')
    if (outcome.kind === 'error') assert.include(outcome.body, 'invalid_client')

    // Shinjuku's own client: Hanako (a Minato resident) is refused there
    const { client: shinjukuRp } = await OidcClients.create({
      municipalityId: shinjuku.id,
      name: '新宿子育て',
      redirectUris: ['https://shinjuku-kids.example/callback'],
      allowedScopes: ['openid'],
      type: 'public',
    })
    const config = await relyingParty('shinjuku', shinjukuRp.clientId)
    const request = await authorizationRequest(
      config,
      'https://shinjuku-kids.example/callback',
      'openid'
    )
    const refused = await browser.follow(request.url, 'https://shinjuku-kids.example/callback')
    assert.equal(refused.kind, 'refused')
    if (refused.kind !== 'refused') return
    assert.equal(refused.status, 403)
    assert.equal(refused.props.client, '新宿子育て')
    const back = await browser.follow(
      refused.props.returnTo,
      'https://shinjuku-kids.example/callback'
    )
    assert.equal(errorAtCallback(back), 'access_denied')
    const denied = await db
      .from('audit_events')
      .where('chain_key', chainKeyFor(shinjuku.id))
      .where('action', 'oidc.sign_in_refused')
    assert.lengthOf(denied, 1)
  })
})
