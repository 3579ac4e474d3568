import { test } from '@japa/runner'
import { timeTravel } from '@japa/runner'
import testUtils from '@adonisjs/core/services/test_utils'
import db from '@adonisjs/lucid/services/db'
import { generate } from 'otplib'
import encryption from '@adonisjs/core/services/encryption'
import BrowserSession from '#tests/helpers/browser_session'
import { nextTotpCode } from '#tests/helpers/totp'
import { DEMO_PASSWORD } from '#database/demo_data'
import User from '#identity/user'

async function passwordStep(browser: BrowserSession, email: string) {
  await browser.get('/login')
  return browser.post('/login', { email, password: DEMO_PASSWORD })
}

async function flashed(browser: BrowserSession, url: string, kind: 'error' | 'notice' = 'error') {
  const page = await browser.get(url)
  return page.body().flash[kind] as string
}

test.group('Two-factor sign-in for staff', (group) => {
  group.each.setup(() => testUtils.db().withGlobalTransaction())

  test('first sign-in: enrol with a QR code, get recovery codes, then in', async ({
    client,
    assert,
  }) => {
    const browser = new BrowserSession(client)
    const response = await passwordStep(browser, 'staff@minato.example')
    response.assertHeader('location', '/two-factor/setup')
    const notYet = await browser.get('/')
    notYet.assertHeader('location', '/login')

    const setup = await browser.get('/two-factor/setup')
    setup.assertInertiaComponent('identity/two_factor_setup')
    assert.match(setup.body().props.qrDataUrl, /^data:image\/png;base64,/)
    const secret = String(setup.body().props.secret).replaceAll(' ', '')
    assert.match(secret, /^[A-Z2-7]{32}$/)

    await browser.post('/two-factor/setup', { otp: '000000' })
    assert.match(
      await flashed(browser, '/two-factor/setup'),
      /^コードが正しくないか、すでに使われています/
    )

    const done = await browser.post('/two-factor/setup', {
      otp: await nextTotpCode('staff@minato.example', secret),
    })
    done.assertHeader('location', '/two-factor/recovery-codes')
    const codes = await browser.get('/two-factor/recovery-codes')
    assert.lengthOf(codes.body().props.codes, 10)
    for (const code of codes.body().props.codes) assert.match(code, /^[0-9A-F]{5}-[0-9A-F]{5}$/)
    const shownOnce = await browser.get('/two-factor/recovery-codes')
    shownOnce.assertHeader('location', '/')

    const home = await browser.get('/')
    home.assertStatus(200)
    const event = await db
      .from('audit_events')
      .where('action', 'auth.login.succeeded')
      .orderBy('id', 'desc')
      .first()
    assert.equal(event.details, '{"second_factor":"totp"}')
  })

  test('a code works once: replaying it is refused', async ({ client, assert }) => {
    const first = new BrowserSession(client)
    await first.signIn('admin@minato.example', DEMO_PASSWORD)
    const user = await User.findByOrFail('email', 'admin@minato.example')
    const usedStep = user.totpLastStep!
    const secret = encryption.decrypt<string>(user.totpSecret!)!
    const replayed = await generate({ secret, epoch: usedStep * 30 })

    const second = new BrowserSession(client)
    const response = await passwordStep(second, 'admin@minato.example')
    response.assertHeader('location', '/two-factor')
    await second.get('/two-factor')
    await second.post('/two-factor', { otp: replayed })
    assert.match(await flashed(second, '/two-factor'), /すでに使われています/)
    const home = await second.get('/')
    home.assertHeader('location', '/login')
  })

  test('a recovery code works once and says how many are left', async ({ client, assert }) => {
    const browser = new BrowserSession(client)
    await browser.get('/login')
    await browser.post('/login', { email: 'owner@aozora.example', password: DEMO_PASSWORD })
    const setup = await browser.get('/two-factor/setup')
    const secret = String(setup.body().props.secret).replaceAll(' ', '')
    await browser.post('/two-factor/setup', {
      otp: await nextTotpCode('owner@aozora.example', secret),
    })
    const recoveryPage = await browser.get('/two-factor/recovery-codes')
    const codes: string[] = recoveryPage.body().props.codes
    await browser.post('/logout')

    const again = new BrowserSession(client)
    await passwordStep(again, 'owner@aozora.example')
    await again.get('/two-factor')
    const response = await again.post('/two-factor', { otp: codes[0].toLowerCase() })
    response.assertHeader('location', '/')
    assert.equal(
      await flashed(again, '/', 'notice'),
      '回復コードでログインしました。残りの回復コードは9個です。'
    )
    await again.post('/logout')

    const reuse = new BrowserSession(client)
    await passwordStep(reuse, 'owner@aozora.example')
    await reuse.get('/two-factor')
    const refused = await reuse.post('/two-factor', { otp: codes[0] })
    refused.assertHeader('location', '/two-factor')
  })

  test('wrong codes are throttled', async ({ client, assert }) => {
    const browser = new BrowserSession(client)
    await browser.signIn('helper@aozora.example', DEMO_PASSWORD)
    await browser.post('/logout')
    await passwordStep(browser, 'helper@aozora.example')
    await browser.get('/two-factor')
    for (let attempt = 0; attempt < 5; attempt++) {
      await browser.post('/two-factor', { otp: '000000' })
    }
    await browser.post('/two-factor', { otp: await nextTotpCode('helper@aozora.example') })
    assert.match(await flashed(browser, '/two-factor'), /^ログインの試行が多すぎます/)
  })

  test('the wait for a second factor expires after five minutes', async ({ client, assert }) => {
    const browser = new BrowserSession(client)
    await passwordStep(browser, 'staff@minato.example')
    timeTravel('6 minutes')
    const response = await browser.get('/two-factor/setup')
    response.assertHeader('location', '/login')
    assert.equal(
      await flashed(browser, '/login'),
      '時間が経ったため、もう一度ログインからやり直してください。'
    )
  })

  test('residents sign in with their password alone', async ({ client }) => {
    const browser = new BrowserSession(client)
    const response = await passwordStep(browser, 'hanako@example.jp')
    response.assertHeader('location', '/')
  })
})
