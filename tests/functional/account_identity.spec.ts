import { test } from '@japa/runner'
import hash from '@adonisjs/core/services/hash'
import BrowserSession from '#tests/helpers/browser_session'
import { isolatedTests } from '#tests/helpers/isolated_tests'
import { mailsSince, waitForMail } from '#tests/helpers/mailbox'
import User from '#models/user'

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
    const since = new Date()
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
    const since = new Date()
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
