import { test } from '@japa/runner'
import { timeTravel } from '@japa/runner'
import testUtils from '@adonisjs/core/services/test_utils'
import db from '@adonisjs/lucid/services/db'
import type { ApiClient } from '@japa/api-client'
import BrowserSession from '#tests/helpers/browser_session'
import { DEMO_PASSWORD } from '#database/demo_data'
import User from '#identity/user'

async function pageOk(browser: BrowserSession, url: string) {
  const response = await browser.get(url)
  response.assertStatus(200)
  return response
}

async function sessionRows() {
  const [row] = await db.from('sessions').count('* as total')
  return Number(row.total)
}

/**
 * A browser and the one session row it started (the cookie carries the id
 * signed, so the row is found as the one that was not there before).
 */
async function browserWithSession(client: ApiClient) {
  const rows = await db.from('sessions').select('id')
  const earlier = rows.map((row) => row.id)
  const browser = new BrowserSession(client)
  await pageOk(browser, '/login')
  const [started] = await db.from('sessions').whereNotIn('id', earlier).select('id')
  const stored = () => db.from('sessions').where('id', started.id).firstOrFail()
  return { browser, stored }
}

test.group('Session store: a request that changes nothing writes nothing', (group) => {
  group.each.setup(() => testUtils.db().withGlobalTransaction())

  test('50 signed-in page views that change nothing leave the session row as it was', async ({
    client,
    assert,
  }) => {
    const hanako = await User.findByOrFail('email', 'hanako@example.jp')
    const browser = new BrowserSession(client)
    const signedIn = await browser.signIn('hanako@example.jp', DEMO_PASSWORD)
    signedIn.assertHeader('location', '/')
    await pageOk(browser, '/')
    const stored = () => db.from('sessions').where('user_id', String(hanako.id)).firstOrFail()
    const before = await stored()
    const rows = await sessionRows()

    for (let i = 0; i < 50; i++) {
      const home = await browser.get('/')
      home.assertStatus(200)
      home.assertInertiaComponent('home/index')
    }
    assert.deepEqual(await stored(), before)
    assert.equal(await sessionRows(), rows)
  })

  test('a signed-out visitor re-reading the login page keeps one unchanged session', async ({
    client,
    assert,
  }) => {
    const { browser, stored } = await browserWithSession(client)
    const before = await stored()
    const rows = await sessionRows()
    for (let i = 0; i < 50; i++) await pageOk(browser, '/login')
    assert.deepEqual(await stored(), before)
    assert.equal(await sessionRows(), rows)
  })

  test('an unchanged session is renewed once five minutes have passed, not before', async ({
    client,
    assert,
  }) => {
    const { browser, stored } = await browserWithSession(client)
    const first = await stored()

    timeTravel('4 minutes')
    await pageOk(browser, '/login')
    assert.deepEqual(await stored(), first)

    timeTravel('6 minutes')
    await pageOk(browser, '/login')
    const renewed = await stored()
    assert.equal(renewed.data, first.data)
    assert.isAbove(new Date(renewed.expires_at).getTime(), new Date(first.expires_at).getTime())
  })

  test('an unused session still expires after its age, and a new one is started', async ({
    client,
    assert,
  }) => {
    const { browser, stored } = await browserWithSession(client)
    const first = browser.cookies.get('tomoni-session')
    const { data: firstData } = await stored()

    timeTravel('2 hours')
    timeTravel('1 minute')
    await pageOk(browser, '/login')
    assert.equal(browser.cookies.get('tomoni-session'), first)
    const restarted = await stored()
    assert.isAbove(new Date(restarted.expires_at).getTime(), Date.now())
    // A new CSRF secret: the expired session's data is gone
    assert.notEqual(restarted.data, firstData)
  })

  test('a session change is still written at once', async ({ client, assert }) => {
    const { browser, stored } = await browserWithSession(client)
    const before = await stored()
    const failed = await browser.post('/login', {
      email: 'hanako@example.jp',
      password: 'not-the-password',
    })
    failed.assertHeader('location', '/login')
    const after = await stored()
    assert.notEqual(after.data, before.data)
  })
})
