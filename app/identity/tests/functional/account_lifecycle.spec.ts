import { test } from '@japa/runner'
import { timeTravel } from '@japa/runner'
import testUtils from '@adonisjs/core/services/test_utils'
import db from '@adonisjs/lucid/services/db'
import BrowserSession from '#tests/helpers/browser_session'
import { waitForMail, mailsSince, linkIn } from '#tests/helpers/mailbox'
import { DEMO_PASSWORD } from '#database/demo_data'
import User from '#identity/user'

const NEW_PASSWORD = 'ひなたぼっこ する ねこ 2026'

async function register(browser: BrowserSession, email: string, password = NEW_PASSWORD) {
  await browser.get('/register')
  return browser.post('/register', {
    full_name: '田中 陽子',
    email,
    password,
    password_confirmation: password,
  })
}

async function verifiedAt(email: string) {
  const user = await User.findByOrFail('email', email)
  return user.emailVerifiedAt
}

/** Opens a confirmation link: whether its page offers the button */
async function usable(browser: BrowserSession, link: string) {
  const page = await browser.get(link)
  return page.body().props.usable as boolean
}

async function locationAfterPost(browser: BrowserSession, url: string) {
  const response = await browser.post(url)
  return response.header('location') as string
}

async function flashError(browser: BrowserSession, url = '/login') {
  const page = await browser.get(url)
  return page.body().flash.error as string | undefined
}

test.group('Registration and email verification', (group) => {
  group.each.setup(() => testUtils.db().withGlobalTransaction())

  test('register, confirm from the mail: opening the link uses nothing, its button confirms and signs in', async ({
    client,
    assert,
  }) => {
    const since = new Date()
    const browser = new BrowserSession(client)
    const response = await register(browser, 'yoko@example.jp')
    response.assertHeader('location', '/register/sent')
    const sent = await browser.get('/register/sent')
    sent.assertInertiaComponent('identity/notice')

    const early = await browser.signIn('yoko@example.jp', NEW_PASSWORD)
    early.assertHeader('location', '/login')
    assert.match((await flashError(browser))!, /^メールアドレスの確認がまだ済んでいません/)

    const mail = await waitForMail('yoko@example.jp', since)
    assert.equal(mail.subject, 'メールアドレスの確認をお願いします')
    assert.include(mail.text, '田中 陽子 さん')
    // A mail scanner opening the link confirms nothing and signs nobody in.
    const opened = await browser.get(linkIn(mail))
    opened.assertInertiaComponent('identity/verify_email')
    assert.isTrue(opened.body().props.usable)
    assert.isNull(await verifiedAt('yoko@example.jp'))

    const verify = await browser.post(linkIn(mail))
    verify.assertHeader('location', '/')
    const home = await browser.get('/')
    home.assertStatus(200)
    assert.equal(home.body().props.auth.user.fullName, '田中 陽子')
    assert.equal(home.body().flash.notice, 'メールアドレスを確認しました。ログインしています。')
    const actions = await db
      .from('audit_events')
      .where('chain_key', 'platform')
      .whereIn('action', ['account.registered', 'account.email_verified', 'auth.login.succeeded'])
      .orderBy('sequence')
    assert.deepEqual(
      actions.map((row) => row.action),
      ['account.registered', 'account.email_verified', 'auth.login.succeeded']
    )
  })

  test('a confirmation link works once; after an hour it only confirms; not after 48 hours', async ({
    client,
    assert,
  }) => {
    const since = new Date()
    const browser = new BrowserSession(client)
    await register(browser, 'once@example.jp')
    const link = linkIn(await waitForMail('once@example.jp', since))
    await browser.get(link)
    assert.equal(await locationAfterPost(browser, link), '/')
    const other = new BrowserSession(client)
    assert.isFalse(await usable(other, link))
    assert.equal(await locationAfterPost(other, link), '/login')
    assert.equal(
      await flashError(other),
      'このリンクは使えません。有効期限が切れているか、すでに使われています。'
    )

    // An older link confirms the address, then asks for the password.
    const hourLater = new Date()
    const slow = new BrowserSession(client)
    await register(slow, 'slow@example.jp')
    const slowLink = linkIn(await waitForMail('slow@example.jp', hourLater))
    timeTravel('61 minutes')
    await slow.get(slowLink)
    assert.equal(await locationAfterPost(slow, slowLink), '/login')
    const login = await slow.get('/login')
    assert.equal(login.body().flash.notice, 'メールアドレスを確認しました。ログインしてください。')
    assert.isNull(login.body().props.auth.user)
    assert.isNotNull(await verifiedAt('slow@example.jp'))

    const later = new Date()
    const late = new BrowserSession(client)
    await register(late, 'late@example.jp')
    const lateLink = linkIn(await waitForMail('late@example.jp', later))
    timeTravel('49 hours')
    assert.isFalse(await usable(late, lateLink))
    await late.post(lateLink)
    assert.match((await flashError(late))!, /このリンクは使えません/)
    const user = await User.findByOrFail('email', 'late@example.jp')
    assert.isNull(user.emailVerifiedAt)
  })

  test('a confirmation link opened where another account is signed in does not switch accounts', async ({
    client,
    assert,
  }) => {
    const since = new Date()
    await register(new BrowserSession(client), 'newcomer@example.jp')
    const link = linkIn(await waitForMail('newcomer@example.jp', since))
    const hanako = new BrowserSession(client)
    await hanako.signIn('hanako@example.jp', DEMO_PASSWORD)
    await hanako.get(link)
    assert.equal(await locationAfterPost(hanako, link), '/')
    const home = await hanako.get('/')
    assert.notEqual(home.body().props.auth.user.fullName, '田中 陽子')
    assert.isNotNull(await verifiedAt('newcomer@example.jp'))
  })

  test('registering a known address answers the same and tells its owner', async ({
    client,
    assert,
  }) => {
    const since = new Date()
    const browser = new BrowserSession(client)
    const response = await register(browser, 'hanako@example.jp')
    response.assertHeader('location', '/register/sent')
    const mail = await waitForMail('hanako@example.jp', since)
    assert.equal(mail.subject, 'このメールアドレスはすでに登録されています')
    assert.lengthOf(await User.query().where('email', 'hanako@example.jp'), 1)
  })

  test('password rules: length, common passwords, confirmation; long phrases welcome', async ({
    client,
    assert,
  }) => {
    const browser = new BrowserSession(client)
    const cases: [string, string, string, string][] = [
      ['short7c', 'short7c', 'password', 'パスワードは8文字以上で入力してください。'],
      [
        'password123',
        'password123',
        'password',
        'このパスワードはよく使われていて推測されやすいため使えません。別のパスワードにしてください。',
      ],
      [
        'a perfectly fine phrase',
        'another phrase',
        'password_confirmation',
        'パスワードとパスワード（確認）が一致しません。',
      ],
    ]
    for (const [password, confirmation, field, message] of cases) {
      await browser.get('/register')
      await browser.post('/register', {
        full_name: 'テスト',
        email: 'rules@example.jp',
        password,
        password_confirmation: confirmation,
      })
      const page = await browser.get('/register')
      assert.equal(page.body().props.errors[field], message)
    }
    assert.isNull(await User.findBy('email', 'rules@example.jp'))

    const longPhrase = 'とても長い合言葉 🐣 with spaces and symbols !? '.repeat(2).slice(0, 64)
    const response = await register(browser, 'long@example.jp', longPhrase)
    response.assertHeader('location', '/register/sent')
  })
})

test.group('Password reset', (group) => {
  group.each.setup(() => testUtils.db().withGlobalTransaction())

  test('a reset link sets a new password once and ends every session', async ({
    client,
    assert,
  }) => {
    const phone = new BrowserSession(client)
    await phone.signIn('hanako@example.jp', DEMO_PASSWORD)

    const since = new Date()
    const browser = new BrowserSession(client)
    await browser.get('/forgot-password')
    const response = await browser.post('/forgot-password', { email: 'hanako@example.jp' })
    response.assertHeader('location', '/forgot-password/sent')
    const link = linkIn(await waitForMail('hanako@example.jp', since))
    assert.match(link, /^\/reset-password\/[\w-]{43}$/)

    await browser.get(link)
    const reset = await browser.post(link, {
      password: NEW_PASSWORD,
      password_confirmation: NEW_PASSWORD,
    })
    reset.assertHeader('location', '/login')
    const again = await browser.post(link, {
      password: 'x'.repeat(12),
      password_confirmation: 'x'.repeat(12),
    })
    again.assertHeader('location', '/forgot-password')

    const stale = await phone.get('/')
    stale.assertHeader('location', '/login')
    const old = await new BrowserSession(client).signIn('hanako@example.jp', DEMO_PASSWORD)
    old.assertHeader('location', '/login')
    const fresh = await new BrowserSession(client).signIn('hanako@example.jp', NEW_PASSWORD)
    fresh.assertHeader('location', '/')
  })

  test('an unknown address gets the same answer and no mail', async ({ client, assert }) => {
    const since = new Date()
    const browser = new BrowserSession(client)
    await browser.get('/forgot-password')
    const response = await browser.post('/forgot-password', { email: 'nobody@example.jp' })
    response.assertHeader('location', '/forgot-password/sent')
    assert.lengthOf(await mailsSince('nobody@example.jp', since), 0)
  })

  test('reset requests are throttled per account', async ({ client, assert }) => {
    const browser = new BrowserSession(client, { ip: '198.51.100.20' })
    await browser.get('/forgot-password')
    for (let attempt = 0; attempt < 3; attempt++) {
      const response = await browser.post('/forgot-password', { email: 'yui@example.jp' })
      response.assertHeader('location', '/forgot-password/sent')
    }
    await browser.get('/forgot-password')
    const refused = await browser.post('/forgot-password', { email: 'yui@example.jp' })
    refused.assertHeader('location', '/forgot-password')
    assert.match(
      (await flashError(browser, '/forgot-password'))!,
      /^再設定の申し込みが多すぎます。/
    )
  })
})

test.group('Account settings', (group) => {
  group.each.setup(() => testUtils.db().withGlobalTransaction())

  test('changing the password needs the current one and signs out other devices', async ({
    client,
    assert,
  }) => {
    const laptop = new BrowserSession(client)
    await laptop.signIn('yui@example.jp', DEMO_PASSWORD)
    const phone = new BrowserSession(client)
    await phone.signIn('yui@example.jp', DEMO_PASSWORD)
    await phone.get('/account')

    await phone.put('/account/password', {
      current_password: 'wrong',
      password: NEW_PASSWORD,
      password_confirmation: NEW_PASSWORD,
    })
    assert.equal(await flashError(phone, '/account'), '現在のパスワードが正しくありません。')

    const since = new Date()
    const response = await phone.put('/account/password', {
      current_password: DEMO_PASSWORD,
      password: NEW_PASSWORD,
      password_confirmation: NEW_PASSWORD,
    })
    response.assertHeader('location', '/account')
    const still = await phone.get('/account')
    still.assertStatus(200)
    const gone = await laptop.get('/')
    gone.assertHeader('location', '/login')
    const mail = await waitForMail('yui@example.jp', since)
    assert.equal(mail.subject, 'パスワードが変更されました')
  })

  test('a new email address is used only once confirmed from it', async ({ client, assert }) => {
    const browser = new BrowserSession(client)
    await browser.signIn('yui@example.jp', DEMO_PASSWORD)
    await browser.get('/account')
    await browser.put('/account/email', { current_password: 'wrong', email: 'yui.new@example.jp' })
    assert.equal(await flashError(browser, '/account'), '現在のパスワードが正しくありません。')

    const since = new Date()
    await browser.put('/account/email', {
      current_password: DEMO_PASSWORD,
      email: 'yui.new@example.jp',
    })
    const user = await User.findByOrFail('email', 'yui@example.jp')
    assert.equal(user.email, 'yui@example.jp')

    const link = linkIn(await waitForMail('yui.new@example.jp', since))
    await browser.get(link)
    await user.refresh()
    assert.equal(user.email, 'yui.new@example.jp')
    const notice = await waitForMail('yui@example.jp', since)
    assert.equal(notice.subject, 'メールアドレスが変更されました')

    const signedIn = await new BrowserSession(client).signIn('yui.new@example.jp', DEMO_PASSWORD)
    signedIn.assertHeader('location', '/')
  })

  test('an address in use gets the same answer as a free one, and nothing changes', async ({
    client,
    assert,
  }) => {
    const browser = new BrowserSession(client)
    await browser.signIn('yui@example.jp', DEMO_PASSWORD)
    const answerTo = async (email: string) => {
      await browser.get('/account')
      const response = await browser.put('/account/email', {
        current_password: DEMO_PASSWORD,
        email,
      })
      const page = await browser.get('/account')
      return [response.status(), response.header('location'), page.body().flash]
    }

    const since = new Date()
    const taken = await answerTo('hanako@example.jp')
    const free = await answerTo('yui.free@example.jp')
    assert.deepEqual(taken, free)
    assert.deepEqual(taken[2], {
      notice: '新しいメールアドレスに確認メールを送りました。リンクを開くと変更が完了します。',
    })

    // The owner of the address in use is told someone tried; no link
    const warning = await waitForMail('hanako@example.jp', since)
    assert.equal(warning.subject, 'あなたのメールアドレスを使おうとした人がいます')
    assert.notMatch(warning.text, /https?:\/\//)
    const yui = await User.findByOrFail('email', 'yui@example.jp')
    assert.equal(yui.email, 'yui@example.jp')

    // Only the free address gets a link, and it works
    await browser.get(linkIn(await waitForMail('yui.free@example.jp', since)))
    await yui.refresh()
    assert.equal(yui.email, 'yui.free@example.jp')
    assert.lengthOf(await User.query().where('email', 'hanako@example.jp'), 1)
  })
})
