import { test } from '@japa/runner'
import { timeTravel } from '@japa/runner'
import testUtils from '@adonisjs/core/services/test_utils'
import db from '@adonisjs/lucid/services/db'
import BrowserSession from '#tests/helpers/browser_session'
import { DEMO_PASSWORD } from '#database/demo_data'
import User from '#identity/user'
import AccountStatus from '#identity/account_status'

async function signedIn(client: any, email = 'hanako@example.jp') {
  const browser = new BrowserSession(client)
  const response = await browser.signIn(email, DEMO_PASSWORD)
  response.assertHeader('location', '/')
  return browser
}

test.group('Session lifetime', (group) => {
  group.each.setup(() => testUtils.db().withGlobalTransaction())

  test('a session idle for more than an hour ends, with an explanation', async ({
    client,
    assert,
  }) => {
    const browser = await signedIn(client)
    const home = await browser.get('/')
    home.assertStatus(200)

    timeTravel('61 minutes')
    const expired = await browser.get('/')
    expired.assertHeader('location', '/login')
    const login = await browser.get('/login')
    assert.equal(
      login.body().flash.error,
      '一定時間操作がなかったため、ログアウトしました。もう一度ログインしてください。'
    )
    const again = await browser.get('/')
    again.assertHeader('location', '/login')
  })

  test('an active session still ends 12 hours after sign-in', async ({ client }) => {
    const browser = await signedIn(client)
    for (let step = 1; step <= 14; step++) {
      // timeTravel moves on from the time already travelled to
      timeTravel('50 minutes')
      const response = await browser.get('/')
      if (step * 50 <= 12 * 60) response.assertStatus(200)
      else response.assertHeader('location', '/login')
    }
  })

  test('disabling an account ends all its sessions at once', async ({ client, assert }) => {
    const phone = await signedIn(client)
    const laptop = await signedIn(client)
    const hanako = await User.findByOrFail('email', 'hanako@example.jp')
    const admin = await User.findByOrFail('email', 'admin@minato.example')

    const ended = await AccountStatus.disable(hanako.id, {
      actorUserId: admin.id,
      actorRole: 'municipal_admin',
      municipalityId: null,
      source: { channel: 'web', ip: '192.0.2.1' },
    })
    assert.equal(ended, 2)
    assert.lengthOf(await db.from('sessions').where('user_id', String(hanako.id)), 0)
    for (const browser of [phone, laptop]) {
      const response = await browser.get('/')
      response.assertHeader('location', '/login')
    }
    const retry = await new BrowserSession(client).signIn('hanako@example.jp', DEMO_PASSWORD)
    retry.assertHeader('location', '/login')

    const audit = await db.from('audit_events').where('action', 'account.disabled').first()
    assert.equal(Number(audit.actor_user_id), admin.id)
  })
})
