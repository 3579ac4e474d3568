import { test } from '@japa/runner'
import testUtils from '@adonisjs/core/services/test_utils'
import encryption from '@adonisjs/core/services/encryption'
import db from '@adonisjs/lucid/services/db'
import BrowserSession, { flashOf, locationOf } from '#tests/helpers/browser_session'
import TestIdentityProvider, { deadIssuer } from '#tests/helpers/test_identity_provider'
import { createSecondTenant } from '#tests/helpers/tenants'
import { DEMO_PASSWORD } from '#database/demo_data'
import Municipality from '#tenancy/municipality'
import { chainKeyFor } from '#audit/audit_event_input'
import StaffSignInProvider from '#staff_sign_in/staff_sign_in_provider'

const PAGE = '/m/minato/settings/sign-in'
const SECRET = 'upstream-secret-of-minato-0123456789'

let idp: TestIdentityProvider

function form(overrides: Record<string, unknown> = {}) {
  return {
    issuer: idp.issuer,
    client_id: 'tomoni-minato',
    client_secret: SECRET,
    identifier_claim: 'email',
    trust_mfa: true,
    mfa_acr_values: 'urn:minato:loa:2',
    password_sign_in_off: false,
    ...overrides,
  }
}

async function signedIn(client: ConstructorParameters<typeof BrowserSession>[0], email: string) {
  const browser = new BrowserSession(client)
  await browser.signIn(email, DEMO_PASSWORD)
  return browser
}

async function settingsEvents() {
  const minato = await Municipality.findByOrFail('slug', 'minato')
  return db
    .from('audit_events')
    .where('chain_key', chainKeyFor(minato.id))
    .where('action', 'staff_sign_in.settings_changed')
    .orderBy('sequence')
}

test.group('Staff sign-in settings of a municipality', (group) => {
  group.setup(async () => {
    idp = await new TestIdentityProvider({
      clientId: 'tomoni-minato',
      clientSecret: SECRET,
      redirectUris: ['http://localhost/unused'],
    }).start()
    return () => idp.stop()
  })
  group.each.setup(() => testUtils.db().withGlobalTransaction())

  test('an administrator sets the identity provider; the secret is stored encrypted and never shown', async ({
    client,
    assert,
  }) => {
    const browser = await signedIn(client, 'admin@minato.example')
    const empty = await browser.get(PAGE)
    empty.assertStatus(200)
    assert.isNull(empty.body().props.settings)
    assert.equal(
      empty.body().props.redirectUri,
      `${process.env.APP_URL}/staff-sign-in/minato/callback`
    )

    const saved = await browser.put(PAGE, form())
    assert.equal(locationOf(saved), PAGE)
    const page = await browser.get(PAGE)
    assert.equal(flashOf(page).notice, '職員のサインイン設定を保存しました。')
    assert.deepEqual(page.body().props.settings, {
      issuer: idp.issuer,
      clientId: 'tomoni-minato',
      clientSecretSet: true,
      identifierClaim: 'email',
      trustMfa: true,
      mfaAcrValues: 'urn:minato:loa:2',
      passwordSignInOff: false,
    })
    assert.notInclude(JSON.stringify(page.body()), SECRET)

    const provider = await StaffSignInProvider.firstOrFail()
    assert.notInclude(provider.clientSecret, SECRET)
    assert.equal(encryption.decrypt(provider.clientSecret), SECRET)

    // A blank secret keeps the one set; the change is audited without it
    await browser.put(PAGE, form({ client_secret: '', password_sign_in_off: true }))
    await provider.refresh()
    assert.isTrue(provider.passwordSignInOff)
    assert.equal(encryption.decrypt(provider.clientSecret), SECRET)

    const events = await settingsEvents()
    assert.lengthOf(events, 2)
    assert.notInclude(JSON.stringify(events), SECRET)
    const details =
      typeof events[1].details === 'string' ? JSON.parse(events[1].details) : events[1].details
    assert.deepEqual(details.password_sign_in_off, { before: false, after: true })
    assert.notProperty(details, 'client_secret')
  })

  test('an issuer that cannot be reached, or is no OpenID Provider, is refused and nothing is saved', async ({
    client,
    assert,
  }) => {
    const browser = await signedIn(client, 'admin@minato.example')
    await browser.get(PAGE)

    const unreachable = await browser.put(PAGE, form({ issuer: await deadIssuer() }))
    assert.equal(locationOf(unreachable), PAGE)
    let page = await browser.get(PAGE)
    assert.equal(
      page.body().props.errors.issuer,
      '認証サーバーにつながりませんでした。URLを確かめてください。設定は保存していません。'
    )

    await browser.put(PAGE, form({ issuer: `${idp.issuer}/not-an-issuer` }))
    page = await browser.get(PAGE)
    assert.match(page.body().props.errors.issuer, /OpenID Connect の認証サーバーとして使えません/)

    await browser.put(PAGE, form({ issuer: 'not a url' }))
    page = await browser.get(PAGE)
    assert.isString(page.body().props.errors.issuer)

    // The first setting needs its secret
    await browser.put(PAGE, form({ client_secret: '' }))
    page = await browser.get(PAGE)
    assert.equal(
      page.body().props.errors.client_secret,
      'クライアントシークレットを入力してください。'
    )

    assert.isNull(await StaffSignInProvider.first())
    assert.lengthOf(await settingsEvents(), 0)
  })

  test('staff without the administrator role are refused', async ({ client, assert }) => {
    const browser = await signedIn(client, 'staff@minato.example')
    const page = await browser.get(PAGE)
    page.assertStatus(403)
    // A refused form goes back with the translated 403 message, changing nothing
    const put = await browser.put(PAGE, form())
    assert.oneOf(put.status(), [302, 303, 403])
    assert.isNull(await StaffSignInProvider.first())
    const denied = await db
      .from('audit_events')
      .where('action', 'authz.denied')
      .where('destination', 'tenant.staff_sign_in.update')
    assert.lengthOf(denied, 1)
  })

  test("another municipality's administrator gets 404, audited, and changes nothing", async ({
    client,
    assert,
  }) => {
    const { admin } = await createSecondTenant()
    const browser = await signedIn(client, admin.email)
    const page = await browser.get(PAGE)
    page.assertStatus(404)
    const put = await browser.put(PAGE, form())
    put.assertStatus(404)
    assert.isNull(await StaffSignInProvider.first())
    const minato = await Municipality.findByOrFail('slug', 'minato')
    const denied = await db
      .from('audit_events')
      .where('chain_key', chainKeyFor(minato.id))
      .where('action', 'tenancy.access_denied')
      .where('actor_user_id', admin.id)
    assert.lengthOf(denied, 2)
  })
})
