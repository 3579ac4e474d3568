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
    assert.equal(page.body().props.translations['ui.auth.sign_in_title'], 'Sign in')

    const html = await browser.send('get', '/login', undefined, false)
    html.assertTextIncludes('<html lang="en">')
  })

  test('Japanese messages are complete in English too', async ({ client, assert }) => {
    const browser = new BrowserSession(client)
    await browser.get('/login')
    const japanesePage = await browser.get('/login')
    await browser.put('/locale', { locale: 'en' })
    const englishPage = await browser.get('/login')
    const ja = japanesePage.body().props.translations
    const en = englishPage.body().props.translations
    assert.sameMembers(Object.keys(en), Object.keys(ja))
    const untranslated = Object.keys(ja).filter(
      (key) => ja[key] === en[key] && /[ぁ-んァ-ン一-龯]/.test(ja[key])
    )
    assert.deepEqual(untranslated, [])
  })

  test('the message catalogue comes once per language, not with every visit', async ({
    client,
    assert,
  }) => {
    const first = await client.get('/login').withInertia()
    const catalogue = first.body().props.translations
    assert.equal(catalogue['ui.auth.sign_in_title'], 'ログイン')
    assert.includeMembers(Object.keys(first.body().onceProps), ['translations.ja'])

    // The client says it holds the Japanese catalogue: the visit comes without it
    const again = await client
      .get('/login')
      .withInertia()
      .header('x-inertia-except-once-props', 'translations.ja')
    assert.notProperty(again.body().props, 'translations')
    assert.isBelow(JSON.stringify(again.body()).length, JSON.stringify(catalogue).length / 10)

    // Holding another language's catalogue is not enough
    const other = await client
      .get('/login')
      .withInertia()
      .header('x-inertia-except-once-props', 'translations.en')
    assert.equal(other.body().props.translations['ui.auth.sign_in_title'], 'ログイン')
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
