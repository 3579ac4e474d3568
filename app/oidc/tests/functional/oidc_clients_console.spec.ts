import { test } from '@japa/runner'
import type { ApiClient } from '@japa/api-client'
import testUtils from '@adonisjs/core/services/test_utils'
import db from '@adonisjs/lucid/services/db'
import * as oidc from 'openid-client'
import Municipality from '#tenancy/municipality'
import OidcClient from '#oidc/oidc_client'
import { hashClientSecret } from '#oidc/oidc_clients'
import { chainKeyFor } from '#audit/audit_event_input'
import BrowserSession from '#tests/helpers/browser_session'
import { createSecondTenant } from '#tests/helpers/tenants'
import { DEMO_PASSWORD } from '#database/demo_data'
import { OidcBrowser, authorizationRequest, relyingParty } from '#tests/helpers/oidc_flow'
import { rejection } from '#tests/helpers/oidc_refusals'

const CALLBACK = 'https://checkup.example/callback'

async function signedIn(client: ApiClient, email: string) {
  const browser = new BrowserSession(client)
  await browser.signIn(email, DEMO_PASSWORD)
  await browser.get('/')
  return browser
}

const FORM = {
  name: 'みなと健診ポータル',
  logo_text: '健診',
  redirect_uris: `${CALLBACK}\n\nhttps://checkup.example/callback2\n`,
  post_logout_redirect_uris: 'https://checkup.example/bye',
  backchannel_logout_uri: '',
  allowed_scopes: ['profile', 'email', 'offline_access'],
  type: 'confidential',
}

/** The admin registers a client through the console: the page that shows its secret */
async function register(admin: BrowserSession, form: Record<string, unknown> = FORM) {
  const page = await admin.post('/m/minato/oidc-clients', form)
  return page
}

/** The status a request answers */
async function status(answer: Promise<{ status(): number }>) {
  const response = await answer
  return response.status()
}

/** How many clients the form registered */
async function registeredCount() {
  const clients = await OidcClient.query().where('name', FORM.name)
  return clients.length
}

async function minatoEvents(action: string) {
  const minato = await Municipality.findByOrFail('slug', 'minato')
  return db
    .from('audit_events')
    .where('chain_key', chainKeyFor(minato.id))
    .where('action', action)
    .orderBy('sequence', 'desc')
}

/** Hanako signs in to the client and consents: its tokens */
async function signInThrough(client: ApiClient, config: oidc.Configuration, scope: string) {
  const browser = await OidcBrowser.signedIn(client, 'hanako@example.jp')
  const request = await authorizationRequest(config, CALLBACK, scope, { prompt: 'consent' })
  const callback = await browser.authorize(request.url, CALLBACK)
  return oidc.authorizationCodeGrant(config, callback, {
    pkceCodeVerifier: request.verifier,
    expectedState: request.state,
  })
}

test.group('Staff console: 連携サービス (OIDC clients)', (group) => {
  group.each.setup(() => testUtils.db().withGlobalTransaction())

  test('an admin registers a client: the secret is shown once, only its hash is kept, audited', async ({
    client,
    assert,
  }) => {
    const admin = await signedIn(client, 'admin@minato.example')
    const nav = await admin.get('/m/minato/oidc-clients')
    assert.equal(nav.status(), 200)
    assert.equal(nav.body().component, 'oidc/staff/clients')
    const before = nav.body().props.clients.length

    const page = await register(admin)
    assert.equal(page.status(), 200)
    assert.equal(page.body().component, 'oidc/staff/client_secret')
    const { secret, client: shown } = page.body().props
    assert.isString(secret)
    assert.isAtLeast(secret.length, 40)
    assert.include(String(page.header('cache-control')), 'no-store')

    const saved = await OidcClient.findByOrFail('clientId', shown.clientId)
    assert.equal(saved.name, 'みなと健診ポータル')
    assert.equal(saved.logoText, '健診')
    assert.deepEqual(saved.redirectUris, [CALLBACK, 'https://checkup.example/callback2'])
    assert.deepEqual(saved.allowedScopes, ['openid', 'offline_access', 'profile', 'email'])
    assert.equal(saved.type, 'confidential')
    assert.equal(saved.secretHash, hashClientSecret(secret))
    const stored = await db.from('oidc_clients').where('id', saved.id).first()
    assert.notInclude(JSON.stringify(stored), secret)

    // The list shows it without the secret; it is never shown again
    const list = await admin.get('/m/minato/oidc-clients')
    const rows = list
      .body()
      .props.clients.filter((row: { clientId: string }) => row.clientId === shown.clientId)
    assert.lengthOf(list.body().props.clients, before + 1)
    assert.equal(rows[0].name, 'みなと健診ポータル')
    assert.equal(rows[0].type, 'confidential')
    assert.isFalse(rows[0].disabled)
    assert.isNull(rows[0].lastUsedAt)
    assert.notInclude(list.text(), secret)
    const edit = await admin.get(`/m/minato/oidc-clients/${saved.id}/edit`)
    assert.notInclude(edit.text(), secret)
    assert.notInclude(edit.text(), saved.secretHash!)

    const [event] = await minatoEvents('oidc_client.registered')
    assert.equal(event.outcome, 'success')
    assert.equal(event.purpose, 'service_linkage')
    assert.notInclude(JSON.stringify(event), secret)

    // The secret works at the provider: a real code flow; the list then shows it used
    const config = await relyingParty('minato', saved.clientId, secret)
    const tokens = await signInThrough(client, config, 'openid profile')
    assert.isString(tokens.access_token)
    const used = await admin.get('/m/minato/oidc-clients')
    const usedRow = used
      .body()
      .props.clients.find((row: { clientId: string }) => row.clientId === shown.clientId)
    assert.isString(usedRow.lastUsedAt)
  })

  test('a redirect URI that is not https (or localhost) is refused with a translated reason; nothing is saved', async ({
    client,
    assert,
  }) => {
    const admin = await signedIn(client, 'admin@minato.example')
    await admin.get('/m/minato/oidc-clients/new')
    for (const bad of ['http://nursery.example/callback', 'javascript:alert(1)', 'not a url']) {
      const refused = await register(admin, { ...FORM, redirect_uris: `${CALLBACK}\n${bad}` })
      assert.oneOf(refused.status(), [302, 303], bad)
      const page = await admin.get('/m/minato/oidc-clients/new')
      const message = String(page.body().props.errors.redirect_uris)
      assert.include(message, 'リダイレクトURI', bad)
      assert.include(message, bad, bad)
      assert.include(message, 'https://', bad)
    }
    const empty = await register(admin, { ...FORM, redirect_uris: '', allowed_scopes: ['nope'] })
    assert.oneOf(empty.status(), [302, 303])
    const page = await admin.get('/m/minato/oidc-clients/new')
    assert.property(page.body().props.errors, 'redirect_uris')
    assert.isTrue(
      Object.keys(page.body().props.errors).some((key) => key.startsWith('allowed_scopes'))
    )
    const mixed = await register(admin, {
      ...FORM,
      redirect_uris: `${CALLBACK}\nhttps://elsewhere.example/callback`,
    })
    assert.oneOf(mixed.status(), [302, 303])
    const mixedPage = await admin.get('/m/minato/oidc-clients/new')
    assert.include(String(mixedPage.body().props.errors.redirect_uris), '同じホスト')
    assert.equal(await registeredCount(), 0)
    assert.lengthOf(await minatoEvents('oidc_client.registered'), 0)
  })

  test('an admin edits a client: the new settings are saved and audited; the type stays', async ({
    client,
    assert,
  }) => {
    const admin = await signedIn(client, 'admin@minato.example')
    const created = await register(admin)
    const id = created.body().props.client.id
    await admin.get(`/m/minato/oidc-clients/${id}/edit`)
    const saved = await admin.put(`/m/minato/oidc-clients/${id}`, {
      ...FORM,
      name: 'みなと健診ポータル（新）',
      redirect_uris: 'https://checkup.example/new-callback',
      allowed_scopes: ['phone'],
      type: 'public',
    })
    assert.oneOf(saved.status(), [302, 303])
    const after = await OidcClient.findOrFail(id)
    assert.equal(after.name, 'みなと健診ポータル（新）')
    assert.deepEqual(after.redirectUris, ['https://checkup.example/new-callback'])
    assert.deepEqual(after.allowedScopes, ['openid', 'phone'])
    assert.equal(after.type, 'confidential')
    const [event] = await minatoEvents('oidc_client.updated')
    const details = typeof event.details === 'string' ? JSON.parse(event.details) : event.details
    assert.includeMembers(details.changed, ['name', 'redirectUris', 'allowedScopes'])

    // A bad URI on edit changes nothing
    await admin.put(`/m/minato/oidc-clients/${id}`, { ...FORM, redirect_uris: 'ftp://x.example' })
    const unchanged = await OidcClient.findOrFail(id)
    assert.deepEqual(unchanged.redirectUris, ['https://checkup.example/new-callback'])
  })

  test('disabling ends the client: the provider refuses it and its refresh tokens stop working; enabling lets it sign in again', async ({
    client,
    assert,
  }) => {
    const admin = await signedIn(client, 'admin@minato.example')
    const created = await register(admin)
    const { client: shown, secret } = created.body().props
    const config = await relyingParty('minato', shown.clientId, secret)
    const tokens = await signInThrough(client, config, 'openid offline_access')
    assert.isString(tokens.refresh_token)

    const disabled = await admin.post(`/m/minato/oidc-clients/${shown.id}/disable`)
    assert.oneOf(disabled.status(), [302, 303])
    const list = await admin.get('/m/minato/oidc-clients')
    assert.isTrue(
      list.body().props.clients.find((row: { id: number }) => row.id === shown.id).disabled
    )
    const [event] = await minatoEvents('oidc_client.disabled')
    const details = typeof event.details === 'string' ? JSON.parse(event.details) : event.details
    assert.equal(details.grants_ended, 1)

    // The token endpoint knows no such client; the authorization endpoint refuses it
    assert.equal(
      await rejection(oidc.refreshTokenGrant(config, tokens.refresh_token!)),
      'invalid_client'
    )
    const browser = await OidcBrowser.signedIn(client, 'hanako@example.jp')
    const request = await authorizationRequest(config, CALLBACK, 'openid')
    const outcome = await browser.follow(request.url, CALLBACK)
    assert.equal(outcome.kind, 'error')
    // No grant, no token of it is left
    const minato = await Municipality.findByOrFail('slug', 'minato')
    const left = await db
      .from('oidc_payloads')
      .where('municipality_id', minato.id)
      .whereIn('model', ['Grant', 'RefreshToken', 'AccessToken'])
    assert.lengthOf(left, 0)

    // Enabled again: the old refresh token stays dead, a new sign-in asks consent again
    await admin.post(`/m/minato/oidc-clients/${shown.id}/enable`)
    assert.lengthOf(await minatoEvents('oidc_client.enabled'), 1)
    assert.equal(
      await rejection(oidc.refreshTokenGrant(config, tokens.refresh_token!)),
      'invalid_grant'
    )
    const retry = await authorizationRequest(config, CALLBACK, 'openid')
    const again = await browser.follow(retry.url, CALLBACK)
    assert.equal(again.kind, 'consent')
  })

  test('rotating the secret: the new one is shown once; the old one is refused at the token endpoint', async ({
    client,
    assert,
  }) => {
    const admin = await signedIn(client, 'admin@minato.example')
    const created = await register(admin)
    const { client: shown, secret: oldSecret } = created.body().props
    const oldConfig = await relyingParty('minato', shown.clientId, oldSecret)
    const tokens = await signInThrough(client, oldConfig, 'openid offline_access')

    await admin.get('/m/minato/oidc-clients')
    const rotated = await admin.post(`/m/minato/oidc-clients/${shown.id}/secret`)
    assert.equal(rotated.body().component, 'oidc/staff/client_secret')
    assert.equal(rotated.body().props.event, 'rotated')
    const newSecret = rotated.body().props.secret
    assert.notEqual(newSecret, oldSecret)
    const saved = await OidcClient.findOrFail(shown.id)
    assert.equal(saved.secretHash, hashClientSecret(newSecret))
    assert.lengthOf(await minatoEvents('oidc_client.secret_rotated'), 1)

    assert.equal(
      await rejection(oidc.refreshTokenGrant(oldConfig, tokens.refresh_token!)),
      'invalid_client'
    )
    const newConfig = await relyingParty('minato', shown.clientId, newSecret)
    const refreshed = await oidc.refreshTokenGrant(newConfig, tokens.refresh_token!)
    assert.isString(refreshed.access_token)
  })

  test('staff, providers and residents may not; the nav shows it to admins only', async ({
    client,
    assert,
  }) => {
    const admin = await signedIn(client, 'admin@minato.example')
    const created = await register(admin)
    const id = created.body().props.client.id
    for (const email of ['staff@minato.example', 'owner@aozora.example', 'hanako@example.jp']) {
      const browser = await signedIn(client, email)
      assert.equal(await status(browser.get('/m/minato/oidc-clients')), 403, email)
      assert.equal(await status(browser.get(`/m/minato/oidc-clients/${id}/edit`)), 403, email)
      await browser.post('/m/minato/oidc-clients', FORM)
      await browser.post(`/m/minato/oidc-clients/${id}/disable`)
      const rotated = await browser.post(`/m/minato/oidc-clients/${id}/secret`)
      assert.notEqual(rotated.body()?.component, 'oidc/staff/client_secret', email)
    }
    const still = await OidcClient.findOrFail(id)
    assert.isNull(still.disabledAt)
    assert.equal(await registeredCount(), 1)
    assert.lengthOf(await minatoEvents('oidc_client.disabled'), 0)
    assert.lengthOf(await minatoEvents('oidc_client.secret_rotated'), 0)
  })

  test("another municipality's admin cannot see or change Minato's clients (404)", async ({
    client,
    assert,
  }) => {
    const admin = await signedIn(client, 'admin@minato.example')
    const created = await register(admin)
    const id = created.body().props.client.id
    const { admin: intruder } = await createSecondTenant()
    const browser = await signedIn(client, intruder.email)
    const list = await browser.get('/m/shinjuku/oidc-clients')
    assert.equal(list.status(), 200)
    assert.notInclude(list.text(), created.body().props.client.clientId)
    assert.equal(await status(browser.get(`/m/shinjuku/oidc-clients/${id}/edit`)), 404)
    assert.equal(await status(browser.post(`/m/shinjuku/oidc-clients/${id}/disable`)), 404)
    assert.equal(await status(browser.post(`/m/shinjuku/oidc-clients/${id}/secret`)), 404)
    assert.equal(
      await status(browser.put(`/m/shinjuku/oidc-clients/${id}`, { ...FORM, name: 'x' })),
      404
    )
    assert.equal(await status(browser.get(`/m/minato/oidc-clients`)), 404)
    const still = await OidcClient.findOrFail(id)
    assert.equal(still.name, FORM.name)
    assert.isNull(still.disabledAt)
  })
})
