import { test } from '@japa/runner'
import db from '@adonisjs/lucid/services/db'
import BrowserSession from '#tests/helpers/browser_session'
import { isolatedTests } from '#tests/helpers/isolated_tests'
import { nextTotpCode } from '#tests/helpers/totp'
import { DEMO_PASSWORD } from '#database/demo_data'
import VisitTokens from '#visits/visit_tokens'

let before = 0

async function eventsSince(action: string) {
  return db.from('audit_events').where('id', '>', before).where('action', action)
}

/** Fresh browsers at one address, each with the login page's CSRF cookie */
async function browsersAt(client: any, count: number, ip: string) {
  const browsers = Array.from({ length: count }, () => new BrowserSession(client, { ip }))
  await Promise.all(browsers.map((browser) => browser.get('/login')))
  return browsers
}

test.group('Throttles hold under parallel attempts', (group) => {
  isolatedTests(group, (id) => (before = id))

  test('30 parallel wrong passwords: exactly 5 are checked, then even the right one waits', async ({
    client,
    assert,
  }) => {
    const browsers = await browsersAt(client, 30, '198.51.100.30')
    const responses = await Promise.all(
      browsers.map((browser) =>
        browser.post('/login', { email: 'hanako@example.jp', password: 'not the password' })
      )
    )
    for (const response of responses) response.assertStatus(302)
    assert.lengthOf(await eventsSince('auth.login.failed'), 5)
    assert.lengthOf(await eventsSince('auth.login.throttled'), 25)

    const [owner] = await browsersAt(client, 1, '198.51.100.30')
    const refused = await owner.post('/login', {
      email: 'hanako@example.jp',
      password: DEMO_PASSWORD,
    })
    refused.assertHeader('location', '/login')
    const page = await owner.get('/login')
    assert.match(page.body().flash.error, /^ログインの試行が多すぎます。/)
    assert.lengthOf(await eventsSince('auth.login.succeeded'), 0)
  }).timeout(120_000)

  test('40 parallel wrong second-factor codes: exactly 5 are checked', async ({
    client,
    assert,
  }) => {
    const staff = new BrowserSession(client, { ip: '198.51.100.40' })
    await staff.signIn('staff@minato.example', DEMO_PASSWORD)
    await staff.post('/logout')
    await staff.get('/login')
    const pending = await staff.post('/login', {
      email: 'staff@minato.example',
      password: DEMO_PASSWORD,
    })
    pending.assertHeader('location', '/two-factor')
    await staff.get('/two-factor')

    const responses = await Promise.all(
      Array.from({ length: 40 }, () => staff.post('/two-factor', { otp: '000000' }))
    )
    for (const response of responses) response.assertStatus(302)
    assert.lengthOf(await eventsSince('auth.login.second_factor_failed'), 5)

    const right = await staff.post('/two-factor', {
      otp: await nextTotpCode('staff@minato.example'),
    })
    assert.notEqual(right.header('location'), '/')
    const home = await staff.get('/')
    home.assertHeader('location', '/login')
  }).timeout(120_000)

  test('40 parallel visit short-code guesses: exactly 10 are looked up', async ({
    client,
    assert,
    cleanup,
  }) => {
    const resident = new BrowserSession(client, { ip: '198.51.100.50' })
    await resident.signIn('hanako@example.jp', DEMO_PASSWORD)

    const peek = VisitTokens.peek
    let lookups = 0
    VisitTokens.peek = (...args: Parameters<typeof peek>) => {
      lookups++
      return peek.apply(VisitTokens, args)
    }
    cleanup(() => {
      VisitTokens.peek = peek
    })

    const responses = await Promise.all(
      Array.from({ length: 40 }, (_, index) =>
        resident.get(`/m/minato/my/visit?code=${String(90_000_000 + index)}`)
      )
    )
    for (const response of responses) response.assertStatus(302)
    assert.equal(lookups, 10)
  }).timeout(120_000)
})
