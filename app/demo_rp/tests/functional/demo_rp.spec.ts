import { test } from '@japa/runner'
import testUtils from '@adonisjs/core/services/test_utils'
import { OidcBrowser, issuerOf } from '#tests/helpers/oidc_flow'
import { demoRedirectUri } from '#demo_rp/demo_relying_party'
import { DEMO_OIDC_CLIENT_ID } from '#database/demo_oidc_client'
import { locationOf } from '#tests/helpers/browser_session'

/** The demo page as the browser gets it (Inertia's props) */
async function demoPage(browser: OidcBrowser) {
  const response = await browser.session.get('/demo-rp')
  response.assertStatus(200)
  return response.body() as { component: string; props: Record<string, any> }
}

/** Presses "Tomoniでログイン": the provider's authorization URL */
async function startSignIn(browser: OidcBrowser) {
  const response = await browser.session.send('get', '/demo-rp/sign-in', undefined, false)
  response.assertStatus(302)
  return locationOf(response)
}

/** Back at the demo's callback from the provider: the page it lands on */
async function comeBack(browser: OidcBrowser, callback: URL) {
  const response = await browser.session.send(
    'get',
    `${callback.pathname}${callback.search}`,
    undefined,
    false
  )
  response.assertStatus(302)
  return demoPage(browser)
}

test.group('Demo relying party', (group) => {
  group.each.setup(() => testUtils.db().withGlobalTransaction())

  test('signed out of the demo: the page offers "Tomoniでログイン" for Minato\'s issuer', async ({
    client,
    assert,
  }) => {
    const page = await demoPage(new OidcBrowser(client))
    assert.equal(page.component, 'demo_rp/show')
    assert.equal(page.props.issuer, issuerOf('minato'))
    assert.equal(page.props.clientId, DEMO_OIDC_CLIENT_ID)
    assert.isNull(page.props.result)
    assert.isNull(page.props.error)
  })

  test("the sign-in asks Minato's issuer for a code with PKCE (S256), state and nonce", async ({
    client,
    assert,
  }) => {
    const url = new URL(await startSignIn(new OidcBrowser(client)))
    assert.equal(`${url.origin}${url.pathname}`, `${issuerOf('minato')}/auth`)
    assert.equal(url.searchParams.get('client_id'), DEMO_OIDC_CLIENT_ID)
    assert.equal(url.searchParams.get('redirect_uri'), demoRedirectUri())
    assert.equal(url.searchParams.get('code_challenge_method'), 'S256')
    assert.equal(url.searchParams.get('response_type'), 'code')
    for (const name of ['code_challenge', 'state', 'nonce']) {
      assert.isAbove(url.searchParams.get(name)?.length ?? 0, 20, name)
    }
  })

  test('Hanako consents once: the demo shows her claims and userinfo, says balances are not readable yet; the next sign-in asks nothing', async ({
    client,
    assert,
  }) => {
    const browser = await OidcBrowser.signedIn(client, 'hanako@example.jp')
    const consent = await browser.follow(await startSignIn(browser), demoRedirectUri())
    assert.equal(consent.kind, 'consent')
    if (consent.kind !== 'consent') return
    assert.deepEqual(consent.props.scopes, ['openid', 'profile', 'email'])
    const back = await browser.answer(consent, true, demoRedirectUri())
    assert.equal(back.kind, 'callback')
    if (back.kind !== 'callback') return

    const page = await comeBack(browser, back.url)
    assert.isNull(page.props.error)
    const { claims, userinfo } = page.props.result
    assert.equal(claims.iss, issuerOf('minato'))
    assert.equal(claims.aud, DEMO_OIDC_CLIENT_ID)
    assert.isString(claims.nonce)
    assert.equal(userinfo.email, 'hanako@example.jp')
    assert.equal(userinfo.sub, claims.sub)
    assert.isString(userinfo.name)

    // Out of the demo, in again: no consent asked, the same pairwise subject
    await browser.session.post('/demo-rp/sign-out')
    const signedOut = await demoPage(browser)
    assert.isNull(signedOut.props.result)
    const again = await browser.follow(await startSignIn(browser), demoRedirectUri())
    assert.equal(again.kind, 'callback')
    if (again.kind !== 'callback') return
    const second = await comeBack(browser, again.url)
    assert.equal(second.props.result.claims.sub, claims.sub)
  })

  test('refusing on the consent page: the demo says it was not allowed, and signs nobody in', async ({
    client,
    assert,
  }) => {
    const browser = await OidcBrowser.signedIn(client, 'hanako@example.jp')
    const consent = await browser.follow(await startSignIn(browser), demoRedirectUri())
    if (consent.kind !== 'consent') return assert.fail(consent.kind)
    const back = await browser.answer(consent, false, demoRedirectUri())
    if (back.kind !== 'callback') return assert.fail(back.kind)
    const page = await comeBack(browser, back.url)
    assert.equal(page.props.error, 'refused')
    assert.isNull(page.props.result)
  })

  test('a callback with no sign-in started, or a forged state, signs nobody in', async ({
    client,
    assert,
  }) => {
    const stranger = new OidcBrowser(client)
    const page = await comeBack(stranger, new URL(`${demoRedirectUri()}?code=forged&state=forged`))
    assert.equal(page.props.error, 'expired')
    assert.isNull(page.props.result)

    const browser = await OidcBrowser.signedIn(client, 'hanako@example.jp')
    const consent = await browser.follow(await startSignIn(browser), demoRedirectUri())
    if (consent.kind !== 'consent') return assert.fail(consent.kind)
    const back = await browser.answer(consent, true, demoRedirectUri())
    if (back.kind !== 'callback') return assert.fail(back.kind)
    back.url.searchParams.set('state', 'forged')
    const forged = await comeBack(browser, back.url)
    assert.equal(forged.props.error, 'failed')
    assert.isNull(forged.props.result)
  })
})
