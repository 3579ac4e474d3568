import { test } from '@japa/runner'
import testUtils from '@adonisjs/core/services/test_utils'
import db from '@adonisjs/lucid/services/db'
import BrowserSession from '#tests/helpers/browser_session'
import { DEMO_PASSWORD } from '#database/demo_data'
import User from '#identity/user'

async function failTimes(browser: BrowserSession, email: string, times: number) {
  for (let attempt = 0; attempt < times; attempt++) {
    await browser.signIn(email, 'not the password')
  }
}

test.group('Login throttling and login audit', (group) => {
  group.each.setup(() => testUtils.db().withGlobalTransaction())

  test('after 5 failures from one address, even the right password waits', async ({
    client,
    assert,
  }) => {
    const browser = new BrowserSession(client, { ip: '198.51.100.7' })
    await failTimes(browser, 'hanako@example.jp', 5)
    const response = await browser.signIn('hanako@example.jp', DEMO_PASSWORD)
    response.assertHeader('location', '/login')
    const page = await browser.get('/login')
    assert.match(
      page.body().flash.error,
      /^ログインの試行が多すぎます。\d+分ほど待ってから、もう一度お試しください。$/
    )
    const home = await browser.get('/')
    home.assertHeader('location', '/login')

    const throttled = await db.from('audit_events').where('action', 'auth.login.throttled')
    assert.lengthOf(throttled, 1)
    assert.equal(throttled[0].outcome, 'denied')
  })

  test('a stranger failing from elsewhere does not lock the owner out', async ({ client }) => {
    const stranger = new BrowserSession(client, { ip: '203.0.113.99' })
    await failTimes(stranger, 'hanako@example.jp', 6)

    const owner = new BrowserSession(client, { ip: '192.0.2.10' })
    const response = await owner.signIn('hanako@example.jp', DEMO_PASSWORD)
    response.assertHeader('location', '/')
  })

  test('sign-ins are audited without the address in clear', async ({ client, assert }) => {
    const browser = new BrowserSession(client, { ip: '192.0.2.44' })
    await browser.signIn('hanako@example.jp', 'wrong')
    await browser.signIn('hanako@example.jp', DEMO_PASSWORD)
    await browser.post('/logout')

    const hanako = await User.findByOrFail('email', 'hanako@example.jp')
    const events = await db
      .from('audit_events')
      .where('chain_key', 'platform')
      .orderBy('sequence')
      .select('action', 'outcome', 'actor_user_id', 'source_ip', 'details')
    assert.deepEqual(
      events.map((event) => [event.action, event.outcome]),
      [
        ['auth.login.failed', 'failure'],
        ['auth.login.succeeded', 'success'],
        ['auth.logout', 'success'],
      ]
    )
    assert.equal(Number(events[1].actor_user_id), hanako.id)
    assert.equal(events[0].source_ip, '192.0.2.44')
    for (const event of events) assert.notInclude(event.details, 'hanako')
  })
})
