import { messagesOf } from '#tests/helpers/client_messages'
import { test } from '@japa/runner'
import testUtils from '@adonisjs/core/services/test_utils'
import User from '#identity/user'
import BrowserSession from '#tests/helpers/browser_session'
import { DEMO_PASSWORD } from '#database/demo_data'

test.group('Language switch', (group) => {
  group.each.setup(() => testUtils.db().withGlobalTransaction())

  test('switching to English is remembered for the next pages', async ({ client, assert }) => {
    const browser = new BrowserSession(client)
    await browser.get('/login')
    const response = await browser.put('/locale', { locale: 'en' })
    response.assertStatus(303)

    const page = await browser.get('/login')
    assert.equal(page.body().props.i18n.locale, 'en')
    const messages = await messagesOf(client, page)
    assert.equal(messages['ui.auth.sign_in_title'], 'Sign in')

    const html = await browser.send('get', '/login', undefined, false)
    html.assertTextIncludes('<html lang="en">')
  })

  test('Japanese messages are complete in English too', async ({ client, assert }) => {
    const browser = new BrowserSession(client)
    await browser.get('/login')
    const japanesePage = await browser.get('/login')
    await browser.put('/locale', { locale: 'en' })
    const englishPage = await browser.get('/login')
    const ja = await messagesOf(client, japanesePage)
    const en = await messagesOf(client, englishPage)
    assert.sameMembers(Object.keys(en), Object.keys(ja))
    const untranslated = Object.keys(ja).filter(
      (key) => ja[key] === en[key] && /[ぁ-んァ-ン一-龯]/.test(ja[key])
    )
    assert.deepEqual(untranslated, [])
  })

  test('pages name their catalogue; the catalogue is one file per language, kept by the browser', async ({
    client,
    assert,
  }) => {
    const page = await client.get('/login').withInertia()
    const { i18n } = page.body().props
    assert.notProperty(page.body().props, 'translations')
    assert.isBelow(JSON.stringify(page.body()).length, 4000)
    assert.sameMembers(Object.keys(i18n.catalogues), ['ja', 'en'])
    assert.notEqual(i18n.catalogues.ja, i18n.catalogues.en)

    // The HTML asks for it while the scripts load
    const html = await client.get('/login')
    html.assertTextIncludes(
      `<link rel="preload" href="${i18n.catalogues.ja}" as="fetch" crossorigin="anonymous" />`
    )

    const catalogue = await client.get(i18n.catalogues.ja)
    catalogue.assertStatus(200)
    catalogue.assertHeader('cache-control', 'public, max-age=31536000, immutable')
    assert.match(catalogue.header('content-type') ?? '', /^application\/json/)
    assert.equal(catalogue.body()['ui.auth.sign_in_title'], 'ログイン')
    // The same for everyone: no session is started or kept for it
    assert.isUndefined(catalogue.header('set-cookie'))

    const english = await client.get(i18n.catalogues.en)
    assert.equal(english.body()['ui.auth.sign_in_title'], 'Sign in')

    // A page loaded before a deployment names an older version: it gets
    // today's messages, checked again next time
    const older = await client.get('/i18n/ja/0000000000000000')
    older.assertStatus(200)
    older.assertHeader('cache-control', 'no-cache')
    assert.deepEqual(older.body(), catalogue.body())

    const unknown = await client.get(i18n.catalogues.ja.replace('/ja/', '/fr/'))
    unknown.assertStatus(404)
  })

  test('an unsupported language is refused and changes nothing', async ({ client, assert }) => {
    const browser = new BrowserSession(client)
    await browser.get('/login')
    await browser.put('/locale', { locale: 'fr' })
    const page = await browser.get('/login')
    assert.equal(page.body().props.i18n.locale, 'ja')
    assert.equal(page.body().props.errors.locale, '表示言語の値が選択肢にありません。')
    assert.isFalse(browser.cookies.has('tomoni-locale'))
  })

  test('a choice made while signed in is saved on the account', async ({ client, assert }) => {
    const browser = new BrowserSession(client)
    await browser.signIn('hanako@example.jp', DEMO_PASSWORD)
    await browser.put('/locale', { locale: 'en' })
    const user = await User.findByOrFail('email', 'hanako@example.jp')
    assert.equal(user.preferredLocale, 'en')

    // A new device without a choice of its own gets the account's language.
    const otherDevice = new BrowserSession(client)
    await otherDevice.signIn('hanako@example.jp', DEMO_PASSWORD)
    const home = await otherDevice.get('/')
    assert.equal(home.body().props.i18n.locale, 'en')
  })
})
