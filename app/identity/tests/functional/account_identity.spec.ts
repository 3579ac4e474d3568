import { test } from '@japa/runner'
import hash from '@adonisjs/core/services/hash'
import BrowserSession from '#tests/helpers/browser_session'
import { isolatedTests } from '#tests/helpers/isolated_tests'
import { linkIn, mailboxSettled, mailsSince, waitForMail } from '#tests/helpers/mailbox'
import { DEMO_PASSWORD } from '#database/demo_data'
import User from '#identity/user'

const NEW_PASSWORD = 'ひなたぼっこ する ねこ 2026'

function registration(email: string, password = NEW_PASSWORD) {
  return { full_name: '田中 陽子', email, password, password_confirmation: password }
}

async function register(browser: BrowserSession, email: string, password = NEW_PASSWORD) {
  await browser.get('/register')
  return browser.post('/register', registration(email, password))
}

/** Counts the password hashes the app computes while `work` runs */
async function hashesDuring(work: () => Promise<unknown>) {
  const hasher = Object.getPrototypeOf(hash.use('scrypt'))
  const make = hasher.make
  let count = 0
  hasher.make = function (this: unknown, value: string) {
    count++
    return make.call(this, value)
  }
  try {
    await work()
  } finally {
    hasher.make = make
  }
  return count
}

test.group('Registration answers alike and is throttled', (group) => {
  isolatedTests(group, () => {})

  test('registering a known address computes a password hash as a new one does', async ({
    client,
    assert,
  }) => {
    const browser = new BrowserSession(client, { ip: '203.0.113.31' })
    const fresh = await hashesDuring(() => register(browser, 'fresh-hash@example.jp'))
    const known = await hashesDuring(() => register(browser, 'hanako@example.jp'))
    assert.equal(fresh, 1)
    assert.equal(known, fresh)
  }).timeout(60_000)

  test('registrations are throttled per client, with a translated message', async ({
    client,
    assert,
  }) => {
    const browser = new BrowserSession(client, { ip: '203.0.113.32' })
    for (let index = 0; index < 10; index++) {
      const response = await register(browser, `many-${index}@example.jp`)
      response.assertHeader('location', '/register/sent')
    }
    const refused = await register(browser, 'many-10@example.jp')
    refused.assertHeader('location', '/register')
    const page = await browser.get('/register')
    assert.match(
      page.body().flash.error,
      /^登録の試行が多すぎます。\d+分ほど待ってから、もう一度お試しください。$/
    )
    assert.isNull(await User.findBy('email', 'many-10@example.jp'))

    const english = new BrowserSession(client, { ip: '203.0.113.32' })
    await english.get('/register')
    await english.put('/locale', { locale: 'en' })
    await english.post('/register', registration('many-11@example.jp'))
    const englishPage = await english.get('/register')
    assert.match(englishPage.body().flash.error, /^Too many sign-up attempts\./)
  }).timeout(120_000)

  test('12 registrations of a known address from many clients send at most 3 mails, same answer', async ({
    client,
    assert,
  }) => {
    const since = await mailboxSettled()
    for (let index = 0; index < 12; index++) {
      const browser = new BrowserSession(client, { ip: `203.0.113.${100 + index}` })
      const response = await register(browser, 'hanako@example.jp')
      response.assertHeader('location', '/register/sent')
    }
    assert.lengthOf(await mailsSince('hanako@example.jp', since), 3)
  }).timeout(120_000)

  test('12 verification resends send at most 3 mails, and every answer is the same', async ({
    client,
    assert,
  }) => {
    const browser = new BrowserSession(client, { ip: '203.0.113.33' })
    const registered = new Date()
    await register(browser, 'resend@example.jp')
    await waitForMail('resend@example.jp', registered)
    const since = await mailboxSettled()
    const notices = new Set<string>()
    for (let index = 0; index < 12; index++) {
      const other = new BrowserSession(client, { ip: `203.0.113.${150 + index}` })
      await other.get('/login')
      const response = await other.post('/verify-email/resend', { email: 'resend@example.jp' })
      response.assertHeader('location', '/login')
      const page = await other.get('/login')
      notices.add(page.body().flash.notice)
    }
    assert.deepEqual([...notices], ['確認が必要なアカウントがあれば、確認メールを送りました。'])
    assert.lengthOf(await mailsSince('resend@example.jp', since), 3)
  }).timeout(120_000)
})

test.group('Common passwords', (group) => {
  isolatedTests(group, () => {})

  test('passwords from a public top list are refused, whatever their case', async ({
    client,
    assert,
  }) => {
    const browser = new BrowserSession(client, { ip: '203.0.113.40' })
    for (const password of ['sunshine1', 'football1', 'Baseball1', 'PRINCESS1', 'qwertyuiop']) {
      await browser.get('/register')
      await browser.post('/register', registration('common@example.jp', password))
      const page = await browser.get('/register')
      assert.equal(
        page.body().props.errors.password,
        'このパスワードはよく使われていて推測されやすいため使えません。別のパスワードにしてください。',
        password
      )
    }
    assert.isNull(await User.findBy('email', 'common@example.jp'))
  }).timeout(60_000)
})

test.group('A sign-in link when the account rule trips', (group) => {
  isolatedTests(group, () => {})

  test('wrong passwords from many addresses cannot keep the owner out', async ({
    client,
    assert,
  }) => {
    // An attacker rotates addresses: 4 wrong passwords from each of 5
    for (let address = 0; address < 5; address++) {
      const attacker = new BrowserSession(client, { ip: `198.51.100.${200 + address}` })
      for (let attempt = 0; attempt < 4; attempt++) {
        await attacker.signIn('hanako@example.jp', 'not the password')
      }
    }

    // The owner's right password waits, but the page offers a link by mail
    const owner = new BrowserSession(client, { ip: '192.0.2.77' })
    const refused = await owner.signIn('hanako@example.jp', DEMO_PASSWORD)
    refused.assertHeader('location', '/login')
    const login = await owner.get('/login')
    assert.match(login.body().flash.error, /^このアカウントへのログインの失敗が続いたため/)
    assert.equal(login.body().props.signInLinkEmail, 'hanako@example.jp')

    const since = new Date()
    const requested = await owner.post('/login/link', { email: 'hanako@example.jp' })
    requested.assertHeader('location', '/login')
    const sent = await owner.get('/login')
    assert.equal(
      sent.body().flash.notice,
      'アカウントがあれば、ログイン用のリンクをメールで送りました。リンクは15分間有効です。'
    )
    const mail = await waitForMail('hanako@example.jp', since)
    assert.equal(mail.subject, 'ログイン用のリンク')
    const link = linkIn(mail)

    // Opening the link (twice, as a mail scanner and then the owner) only
    // shows the page with its button; the button signs in
    for (let opened = 0; opened < 2; opened++) {
      const page = await owner.get(link)
      page.assertStatus(200)
      assert.equal(page.body().component, 'identity/sign_in_link')
      assert.isTrue(page.body().props.usable)
    }
    const signedIn = await owner.post(link)
    signedIn.assertHeader('location', '/')
    const home = await owner.get('/')
    home.assertStatus(200)

    // The link works once: a second press is refused with the message
    const again = new BrowserSession(client, { ip: '192.0.2.78' })
    const dead = await again.get(link)
    assert.equal(dead.body().component, 'identity/sign_in_link')
    assert.isFalse(dead.body().props.usable)
    const reused = await again.post(link)
    reused.assertHeader('location', link)
    const refusedAgain = await again.get(link)
    assert.equal(
      refusedAgain.body().flash.error,
      'このリンクは使えません。有効期限が切れているか、すでに使われています。'
    )
    assert.isFalse(refusedAgain.body().props.usable)
    const stillOut = await again.get('/')
    stillOut.assertHeader('location', '/login')

    // An attacker's address stays blocked, even with the right password
    const attacker = new BrowserSession(client, { ip: '198.51.100.200' })
    await attacker.signIn('hanako@example.jp', 'not the password')
    const blocked = await attacker.signIn('hanako@example.jp', DEMO_PASSWORD)
    blocked.assertHeader('location', '/login')
  }).timeout(180_000)

  test('a staff member signing in by link still gives the second factor', async ({
    client,
    assert,
  }) => {
    const staff = new BrowserSession(client, { ip: '192.0.2.79' })
    await staff.signIn('staff@minato.example', DEMO_PASSWORD)
    await staff.post('/logout')
    const since = new Date()
    await staff.get('/login')
    await staff.post('/login/link', { email: 'staff@minato.example' })
    const link = linkIn(await waitForMail('staff@minato.example', since))
    await staff.get(link)
    const pending = await staff.post(link)
    pending.assertHeader('location', '/two-factor')
    const home = await staff.get('/')
    home.assertHeader('location', '/login')
    const challenge = await staff.get('/two-factor')
    assert.equal(challenge.body().component, 'identity/two_factor_challenge')
  }).timeout(60_000)

  test('opening the link signs nobody in and shows no account; only its button does', async ({
    client,
    assert,
  }) => {
    const owner = new BrowserSession(client, { ip: '192.0.2.81' })
    const since = new Date()
    await owner.get('/login')
    await owner.post('/login/link', { email: 'hanako@example.jp' })
    const link = linkIn(await waitForMail('hanako@example.jp', since))

    // A link previewer opens it: nothing is signed in, nothing revealed
    const scanner = new BrowserSession(client, { ip: '203.0.113.9' })
    for (let opened = 0; opened < 2; opened++) {
      const page = await scanner.get(link)
      page.assertStatus(200)
      assert.isTrue(page.body().props.usable)
      assert.notMatch(JSON.stringify(page.body().props), /hanako|花子|@example/i)
    }
    const scannerHome = await scanner.get('/')
    scannerHome.assertHeader('location', '/login')

    // A press without the page's CSRF token does nothing
    const forged = new BrowserSession(client, { ip: '203.0.113.10' })
    await forged.post(link)
    const forgedHome = await forged.get('/')
    forgedHome.assertHeader('location', '/login')
    const stillUsable = await forged.get(link)
    assert.isTrue(stillUsable.body().props.usable)

    // The owner's press still works
    await owner.get(link)
    const signedIn = await owner.post(link)
    signedIn.assertHeader('location', '/')
    const home = await owner.get('/')
    home.assertStatus(200)
  }).timeout(60_000)

  test('an unknown link shows that it cannot be used and offers a new one', async ({
    client,
    assert,
  }) => {
    const browser = new BrowserSession(client, { ip: '192.0.2.82' })
    const page = await browser.get('/login/link/no-such-link')
    page.assertStatus(200)
    assert.equal(page.body().component, 'identity/sign_in_link')
    assert.isFalse(page.body().props.usable)
    const pressed = await browser.post('/login/link/no-such-link')
    pressed.assertHeader('location', '/login/link/no-such-link')
    const refused = await browser.get('/login/link/no-such-link')
    assert.match(refused.body().flash.error, /このリンクは使えません/)
    // Asking for a new link from that page gets the usual answer
    const requested = await browser.post('/login/link', { email: 'nobody@example.jp' })
    requested.assertHeader('location', '/login')
    const sent = await browser.get('/login')
    assert.match(sent.body().flash.notice, /ログイン用のリンクをメールで送りました/)
  }).timeout(60_000)

  test('an unknown address gets the same answer and no mail; requests are throttled', async ({
    client,
    assert,
  }) => {
    const since = await mailboxSettled()
    const browser = new BrowserSession(client, { ip: '192.0.2.80' })
    await browser.get('/login')
    await browser.post('/login/link', { email: 'nobody@example.jp' })
    const page = await browser.get('/login')
    assert.equal(
      page.body().flash.notice,
      'アカウントがあれば、ログイン用のリンクをメールで送りました。リンクは15分間有効です。'
    )
    assert.lengthOf(await mailsSince('nobody@example.jp', since), 0)

    for (let index = 0; index < 5; index++) {
      await browser.post('/login/link', { email: 'yui@example.jp' })
    }
    assert.lengthOf(await mailsSince('yui@example.jp', since), 3)
  }).timeout(60_000)
})
