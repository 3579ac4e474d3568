import { test } from '@japa/runner'
import testUtils from '@adonisjs/core/services/test_utils'
import encryption from '@adonisjs/core/services/encryption'
import db from '@adonisjs/lucid/services/db'
import { DateTime } from 'luxon'
import { generateSecret } from 'otplib'
import BrowserSession, { flashOf, locationOf } from '#tests/helpers/browser_session'
import TestIdentityProvider, {
  deadIssuer,
  followUpstream,
} from '#tests/helpers/test_identity_provider'
import { createMember } from '#tests/helpers/tenants'
import { nextTotpCode } from '#tests/helpers/totp'
import { linkIn, waitForMail } from '#tests/helpers/mailbox'
import { DEMO_PASSWORD } from '#database/demo_data'
import Municipality from '#tenancy/municipality'
import Membership from '#identity/membership'
import { chainKeyFor } from '#audit/audit_event_input'
import StaffSignInProvider from '#staff_sign_in/staff_sign_in_provider'
import StaffUpstreamLink from '#staff_sign_in/staff_upstream_link'
import UpstreamSignIn from '#staff_sign_in/upstream_sign_in'

const CLIENT = { clientId: 'tomoni-minato', clientSecret: 'upstream-secret-of-minato-0123456789' }

let idp: TestIdentityProvider
let callbackUrl: string

/** The municipality's identity provider, as its administrator would set it */
async function configureMinato(options: Partial<StaffSignInProvider> = {}) {
  const minato = await Municipality.findByOrFail('slug', 'minato')
  return StaffSignInProvider.create({
    municipalityId: minato.id,
    issuer: idp.issuer,
    clientId: CLIENT.clientId,
    clientSecret: encryption.encrypt(CLIENT.clientSecret),
    identifierClaim: 'email',
    trustMfa: true,
    mfaAcrValues: '',
    passwordSignInOff: false,
    ...options,
  })
}

/** A member of Minato's staff, with an account at the upstream IdP as `sub` */
async function staffMember(email: string, sub: string, options: { totp?: boolean } = {}) {
  const minato = await Municipality.findByOrFail('slug', 'minato')
  const user = await createMember(minato, 'municipal_staff', email)
  if (options.totp) {
    user.totpSecret = encryption.encrypt(generateSecret())
    user.totpEnabledAt = DateTime.now()
    await user.save()
  }
  idp.accounts.set(sub, { email })
  return user
}

/**
 * The browser's trip: Tomoni's start → the IdP (login interaction) → back
 * to Tomoni's callback. `tamper` may change the callback URL on the way.
 */
async function signInUpstream(browser: BrowserSession, tamper?: (url: URL) => void) {
  const start = await browser.get('/staff-sign-in/minato')
  const authorization = locationOf(start)
  if (!authorization.startsWith(idp.issuer)) return start
  const back = new URL(await followUpstream(authorization, callbackUrl))
  tamper?.(back)
  return browser.get(`${back.pathname}${back.search}`)
}

/** The refusal the sign-in page shows after a redirect to it */
async function refusalShown(browser: BrowserSession) {
  return flashOf(await browser.get('/login')).error
}

async function isSignedIn(browser: BrowserSession) {
  const response = await browser.get('/m/minato/residents')
  return response.status() === 200
}

test.group('Staff sign-in through the municipality identity provider', (group) => {
  group.setup(async () => {
    const minato = await Municipality.findByOrFail('slug', 'minato')
    callbackUrl = UpstreamSignIn.redirectUri(minato)
    idp = await new TestIdentityProvider({ ...CLIENT, redirectUris: [callbackUrl] }).start()
    return () => idp.stop()
  })
  group.each.setup(() => testUtils.db().withGlobalTransaction())

  test('the first sign-in links the account by its verified address; the next matches issuer and subject', async ({
    client,
    assert,
  }) => {
    await configureMinato()
    const user = await staffMember('sato@minato.example', 'upstream-sato', { totp: true })
    idp.nextLogin = { accountId: 'upstream-sato', amr: ['pwd', 'mfa'] }

    const browser = new BrowserSession(client)
    const callback = await signInUpstream(browser)
    assert.equal(locationOf(callback), '/')
    assert.isTrue(await isSignedIn(browser))

    const link = await StaffUpstreamLink.findByOrFail('userId', user.id)
    assert.equal(link.issuer, idp.issuer)
    assert.equal(link.subject, 'upstream-sato')

    // The address changes upstream: the link, not the address, finds the account
    idp.accounts.set('upstream-sato', { email: 'sato.new@minato.example' })
    const again = new BrowserSession(client)
    await signInUpstream(again)
    assert.isTrue(await isSignedIn(again))

    const minato = await Municipality.findByOrFail('slug', 'minato')
    const verified = await db
      .from('audit_events')
      .where('chain_key', chainKeyFor(minato.id))
      .where('action', 'auth.upstream.verified')
      .orderBy('sequence')
    assert.lengthOf(verified, 2)
    assert.equal(Number(verified[0].actor_user_id), user.id)
    const succeeded = await db
      .from('audit_events')
      .where('action', 'auth.login.succeeded')
      .where('actor_user_id', user.id)
    assert.lengthOf(succeeded, 2)
    assert.include(String(succeeded[0].details), 'upstream_mfa')
  })

  test('an IdP sign-in with MFA skips the TOTP code; one without MFA asks for it', async ({
    client,
    assert,
  }) => {
    await configureMinato()
    await staffMember('ito@minato.example', 'upstream-ito', { totp: true })

    idp.nextLogin = { accountId: 'upstream-ito', amr: ['pwd', 'otp'] }
    const withMfa = new BrowserSession(client)
    assert.equal(locationOf(await signInUpstream(withMfa)), '/')
    assert.isTrue(await isSignedIn(withMfa))

    idp.nextLogin = { accountId: 'upstream-ito', amr: ['pwd'] }
    const withoutMfa = new BrowserSession(client)
    assert.equal(locationOf(await signInUpstream(withoutMfa)), '/two-factor')
    assert.isFalse(await isSignedIn(withoutMfa))
    await withoutMfa.get('/two-factor')
    const verified = await withoutMfa.post('/two-factor', {
      otp: await nextTotpCode('ito@minato.example'),
    })
    assert.equal(verified.status(), 302)
    assert.isTrue(await isSignedIn(withoutMfa))
  })

  test('MFA counts only when the municipality trusts it, or by an acr it named', async ({
    client,
    assert,
  }) => {
    const provider = await configureMinato({ trustMfa: false })
    await staffMember('kato@minato.example', 'upstream-kato', { totp: true })

    idp.nextLogin = { accountId: 'upstream-kato', amr: ['mfa'] }
    assert.equal(locationOf(await signInUpstream(new BrowserSession(client))), '/two-factor')

    provider.merge({ trustMfa: true, mfaAcrValues: 'urn:minato:loa:2' })
    await provider.save()
    idp.nextLogin = { accountId: 'upstream-kato', amr: ['pwd'], acr: 'urn:minato:loa:2' }
    assert.equal(locationOf(await signInUpstream(new BrowserSession(client))), '/')
  })

  test('an upstream account with no staff account here is refused, with no session', async ({
    client,
    assert,
  }) => {
    await configureMinato()
    idp.accounts.set('upstream-stranger', { email: 'stranger@example.com' })
    // A resident of Minato is not staff either
    idp.accounts.set('upstream-hanako', { email: 'hanako@example.jp' })

    for (const accountId of ['upstream-stranger', 'upstream-hanako']) {
      idp.nextLogin = { accountId, amr: ['mfa'] }
      const browser = new BrowserSession(client)
      assert.equal(locationOf(await signInUpstream(browser)), '/login')
      assert.match(String(await refusalShown(browser)), /職員のアカウントが見つからない/)
      assert.isFalse(await isSignedIn(browser))
    }
    assert.isNull(await StaffUpstreamLink.first())
    const refused = await db.from('audit_events').where('action', 'auth.upstream.refused')
    assert.lengthOf(refused, 2)
  })

  test('a staff member whose upstream account is gone cannot sign in', async ({
    client,
    assert,
  }) => {
    await configureMinato()
    await staffMember('gone@minato.example', 'upstream-gone', { totp: true })
    idp.nextLogin = { accountId: 'upstream-gone', amr: ['mfa'] }
    assert.isTrue(await isSignedIn(await signInAs(client)))

    idp.nextLogin = { accountId: 'upstream-gone', gone: true }
    const browser = new BrowserSession(client)
    assert.equal(locationOf(await signInUpstream(browser)), '/login')
    assert.match(
      String(await refusalShown(browser)),
      /自治体のアカウントでサインインできませんでした/
    )
    assert.isFalse(await isSignedIn(browser))
  })

  test('an answer with the wrong state, or with no sign-in started here, is refused', async ({
    client,
    assert,
  }) => {
    await configureMinato()
    await staffMember('mori@minato.example', 'upstream-mori', { totp: true })
    idp.nextLogin = { accountId: 'upstream-mori', amr: ['mfa'] }

    const browser = new BrowserSession(client)
    const response = await signInUpstream(browser, (url) => url.searchParams.set('state', 'forged'))
    assert.equal(locationOf(response), '/login')
    assert.match(String(await refusalShown(browser)), /確認できませんでした/)
    assert.isFalse(await isSignedIn(browser))

    // A code delivered to a browser that started no sign-in (login CSRF)
    const starter = new BrowserSession(client)
    const start = await starter.get('/staff-sign-in/minato')
    const back = new URL(await followUpstream(locationOf(start), callbackUrl))
    const victim = new BrowserSession(client)
    const replayed = await victim.get(`${back.pathname}${back.search}`)
    assert.equal(locationOf(replayed), '/login')
    assert.match(String(await refusalShown(victim)), /もう一度はじめから/)
    assert.isFalse(await isSignedIn(victim))
  })

  test('a disabled membership or account is refused', async ({ client, assert }) => {
    await configureMinato()
    const user = await staffMember('ueda@minato.example', 'upstream-ueda', { totp: true })
    const membership = await Membership.findByOrFail('userId', user.id)
    membership.disabledAt = DateTime.now()
    await membership.save()

    idp.nextLogin = { accountId: 'upstream-ueda', amr: ['mfa'] }
    const browser = new BrowserSession(client)
    assert.equal(locationOf(await signInUpstream(browser)), '/login')
    assert.match(String(await refusalShown(browser)), /利用が停止/)
    assert.isFalse(await isSignedIn(browser))

    membership.disabledAt = null
    await membership.save()
    user.disabledAt = DateTime.now()
    await user.save()
    const again = new BrowserSession(client)
    assert.equal(locationOf(await signInUpstream(again)), '/login')
    assert.isFalse(await isSignedIn(again))
  })

  test('a municipality without an identity provider answers 404; one that is down is explained', async ({
    client,
    assert,
  }) => {
    const browser = new BrowserSession(client)
    const none = await browser.get('/staff-sign-in/minato')
    none.assertStatus(404)

    await configureMinato({ issuer: await deadIssuer() })
    const down = await browser.get('/staff-sign-in/minato')
    assert.equal(locationOf(down), '/login')
    assert.match(String(await refusalShown(browser)), /サーバーにつながりませんでした/)
    assert.isFalse(await isSignedIn(browser))
  })

  test('with the local password off, its staff must use the IdP; residents keep their password', async ({
    client,
    assert,
  }) => {
    await configureMinato({ passwordSignInOff: true })
    const browser = new BrowserSession(client)
    const page = await browser.get('/login')
    assert.deepEqual(page.body().props.otherSignIns, [
      { label: '港区の職員', href: '/staff-sign-in/minato' },
    ])

    const refused = await browser.post('/login', {
      email: 'staff@minato.example',
      password: DEMO_PASSWORD,
    })
    assert.equal(locationOf(refused), '/login')
    assert.match(
      String(await refusalShown(browser)),
      /港区の職員は、パスワードではログインできません/
    )
    assert.isFalse(await isSignedIn(browser))

    const resident = new BrowserSession(client)
    const signedIn = await resident.signIn('hanako@example.jp', DEMO_PASSWORD)
    assert.equal(signedIn.status(), 302)
    assert.notEqual(locationOf(signedIn), '/login')
    const account = await resident.get('/account')
    account.assertStatus(200)

    const audited = await db.from('audit_events').where('action', 'auth.login.password_off')
    assert.lengthOf(audited, 1)
  })

  test('with the local password off, a mailed sign-in link does not sign its staff in either', async ({
    client,
    assert,
  }) => {
    await configureMinato({ passwordSignInOff: true })
    const browser = new BrowserSession(client, { ip: '192.0.2.131' })
    const since = new Date()
    await browser.get('/login')
    await browser.post('/login/link', { email: 'staff@minato.example' })
    const link = linkIn(await waitForMail('staff@minato.example', since))
    await browser.get(link)
    const used = await browser.post(link)
    assert.equal(locationOf(used), '/login')
    assert.match(String(await refusalShown(browser)), /パスワードではログインできません/)
    assert.isFalse(await isSignedIn(browser))
  }).timeout(60_000)
})

/** A fresh browser through the whole trip */
async function signInAs(client: ConstructorParameters<typeof BrowserSession>[0]) {
  const browser = new BrowserSession(client)
  await signInUpstream(browser)
  return browser
}
