import { messagesOf } from '#tests/helpers/client_messages'
import { test } from '@japa/runner'
import testUtils from '@adonisjs/core/services/test_utils'
import db from '@adonisjs/lucid/services/db'
import { DateTime } from 'luxon'
import User from '#identity/user'
import BrowserSession from '#tests/helpers/browser_session'
import { DEMO_PASSWORD } from '#database/demo_data'

test.group('Login', (group) => {
  group.each.setup(() => testUtils.db().withGlobalTransaction())

  test('the login page is served in Japanese by default', async ({ client, assert }) => {
    const response = await client.get('/login')
    response.assertStatus(200)
    response.assertTextIncludes('<html lang="ja">')
    response.assertTextIncludes('"component":"identity\\/login"')
    const page = await client.get('/login').withInertia()
    assert.equal(page.body().props.i18n.locale, 'ja')
    const messages = await messagesOf(client, page)
    assert.equal(messages['ui.auth.sign_in_title'], 'ログイン')
  })

  test('signing in rotates the session id and stores the session server-side', async ({
    client,
    assert,
  }) => {
    const browser = new BrowserSession(client)
    await browser.get('/login')
    const anonymousSession = browser.cookies.get('tomoni-session')
    assert.exists(anonymousSession)

    const response = await browser.post('/login', {
      email: 'hanako@example.jp',
      password: DEMO_PASSWORD,
    })
    response.assertStatus(302)
    response.assertHeader('location', '/')
    assert.notEqual(browser.cookies.get('tomoni-session'), anonymousSession)

    const home = await browser.get('/')
    home.assertStatus(200)
    home.assertInertiaComponent('home/index')
    assert.equal(home.body().props.auth.user.fullName, '山田 花子')
    assert.deepEqual(home.body().props.auth.user, { fullName: '山田 花子' })

    const user = await User.findByOrFail('email', 'hanako@example.jp')
    const stored = await db.from('sessions').where('user_id', String(user.id))
    assert.lengthOf(stored, 1)
  })

  test('a wrong password is refused with a Japanese message and no session user', async ({
    client,
    assert,
  }) => {
    const browser = new BrowserSession(client)
    const response = await browser.signIn('hanako@example.jp', 'not-the-password')
    response.assertStatus(302)
    response.assertHeader('location', '/login')

    const page = await browser.get('/login')
    page.assertInertiaComponent('identity/login')
    assert.equal(page.body().flash.error, 'メールアドレスまたはパスワードが正しくありません。')
    assert.isNull(page.body().props.auth.user)
    const home = await browser.get('/')
    home.assertHeader('location', '/login')
  })

  test('an unknown email and a disabled account get the very same answer', async ({
    client,
    assert,
  }) => {
    await User.query()
      .where('email', 'yui@example.jp')
      .update({ disabled_at: DateTime.now().toSQL() })
    const messages: string[] = []
    for (const email of ['nobody@example.jp', 'yui@example.jp']) {
      const browser = new BrowserSession(client)
      const attempt = await browser.signIn(email, DEMO_PASSWORD)
      attempt.assertHeader('location', '/login')
      const loginPage = await browser.get('/login')
      messages.push(loginPage.body().flash.error)
      const home = await browser.get('/')
      home.assertHeader('location', '/login')
    }
    assert.equal(messages[0], messages[1])
  })

  test('missing fields come back as translated validation errors', async ({ client, assert }) => {
    const browser = new BrowserSession(client)
    await browser.get('/login')
    await browser.post('/login', { email: 'not-an-email', password: '' })
    const page = await browser.get('/login')
    assert.equal(
      page.body().props.errors.email,
      'メールアドレスの形式が正しくありません（例: name@example.jp）。'
    )
    assert.equal(page.body().props.errors.password, 'パスワードを入力してください。')
  })

  test('a post without the CSRF token is refused and signs nobody in', async ({
    client,
    assert,
  }) => {
    const browser = new BrowserSession(client)
    await browser.get('/login')
    browser.cookies.delete('XSRF-TOKEN')
    const response = await browser.post('/login', {
      email: 'hanako@example.jp',
      password: DEMO_PASSWORD,
    })
    response.assertHeader('location', '/login')
    const page = await browser.get('/login')
    assert.equal(page.body().flash.error, 'ページの有効期限が切れました。もう一度お試しください。')
    const home = await browser.get('/')
    home.assertHeader('location', '/login')
  })

  test('signing out ends the session in the store', async ({ client, assert }) => {
    const browser = new BrowserSession(client)
    await browser.signIn('hanako@example.jp', DEMO_PASSWORD)
    const user = await User.findByOrFail('email', 'hanako@example.jp')
    assert.lengthOf(await db.from('sessions').where('user_id', String(user.id)), 1)

    const response = await browser.post('/logout')
    response.assertHeader('location', '/login')
    assert.lengthOf(await db.from('sessions').where('user_id', String(user.id)), 0)
    const home = await browser.get('/')
    home.assertHeader('location', '/login')
  })
})
