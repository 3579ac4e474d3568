import { test } from '@japa/runner'
import testUtils from '@adonisjs/core/services/test_utils'
import type { ApiResponse } from '@japa/api-client'
import BrowserSession from '#tests/helpers/browser_session'
import { DEMO_PASSWORD } from '#database/demo_data'
import AccountToken from '#identity/account_token'
import User from '#identity/user'
import { linkIn, waitForMail } from '#tests/helpers/mailbox'
import { aozoraVisit, hanakoWithHours } from '#tests/helpers/resident_visits'

const PASSWORD = 'よるの ミルクは あたたかく 2026'
const NAMED = 'あおぞら家事支援サービスの「家事支援（ホームヘルパー）」の利用を確認するには'

function locationOf(response: ApiResponse) {
  return String(response.header('location'))
}

function visitPath(query: string) {
  return `/m/minato/my/visit?${query}`
}

test.group('Visit QR opened while signed out', (group) => {
  group.each.setup(() => testUtils.db().withGlobalTransaction())

  test('asks calmly to sign in, naming the visit, and returns to it after signing in', async ({
    client,
    assert,
  }) => {
    await hanakoWithHours()
    const { token } = await aozoraVisit()
    const browser = new BrowserSession(client)
    const arrival = await browser.get(visitPath(`token=${token}`))
    assert.equal(locationOf(arrival), '/login')
    const login = await browser.get('/login')
    assert.include(login.body().props.prompt, NAMED)
    assert.isUndefined(login.body().flash.error)

    const signedIn = await browser.signIn('hanako@example.jp', DEMO_PASSWORD)
    assert.equal(locationOf(signedIn), visitPath(`token=${token}`))
    const page = await browser.get(locationOf(signedIn))
    page.assertInertiaComponent('visits/resident/confirm')
    // Used up: the next sign-in goes home, without the sentence.
    await browser.post('/logout')
    const again = await browser.get('/login')
    assert.isNull(again.body().props.prompt)
    assert.equal(locationOf(await browser.signIn('hanako@example.jp', DEMO_PASSWORD)), '/')
  })

  test('a short code or an unknown token names nothing while signed out', async ({
    client,
    assert,
  }) => {
    await hanakoWithHours()
    const { shortCode } = await aozoraVisit()
    for (const query of [`code=${shortCode}`, `token=${'x'.repeat(43)}`]) {
      const browser = new BrowserSession(client)
      await browser.get(visitPath(query))
      const login = await browser.get('/login')
      assert.equal(
        login.body().props.prompt,
        '利用を確認するには、ログインしてください。アカウントがまだない方は「はじめての方」から登録すると、登録のあとこの利用の確認に戻ります。',
        query
      )
      assert.notInclude(login.body().props.prompt, 'あおぞら')
    }
  })

  test('signing up from there: the confirmation link keeps the visit and signs in; a new account registers first', async ({
    client,
    assert,
  }) => {
    const { token } = await aozoraVisit()
    const browser = new BrowserSession(client)
    await browser.get(visitPath(`token=${token}`))
    const form = await browser.get('/register')
    assert.include(form.body().props.prompt, NAMED)
    const since = new Date()
    await browser.post('/register', {
      full_name: '佐藤 美緒',
      email: 'mio@example.jp',
      password: PASSWORD,
      password_confirmation: PASSWORD,
    })
    const user = await User.findByOrFail('email', 'mio@example.jp')
    const kept = await AccountToken.query().where('user_id', user.id).firstOrFail()
    assert.equal(kept.returnPath, visitPath(`token=${token}`))
    const link = linkIn(await waitForMail('mio@example.jp', since))
    // The path is kept on the server, never in the link.
    assert.notInclude(link, token)

    // The mail opened on another browser (the mail app's): still back to the visit.
    const phone = new BrowserSession(client)
    await phone.get(link)
    const confirmed = await phone.post(link)
    assert.equal(locationOf(confirmed), visitPath(`token=${token}`))
    // Nobody in Minato yet: link the record or register, then back to the visit.
    const arrival = await phone.get(locationOf(confirmed))
    assert.equal(locationOf(arrival), '/my/link')
    const start = await phone.get('/my/start')
    assert.deepEqual(start.body().props.accountName, { familyName: '佐藤', givenName: '美緒' })
    const registered = await phone.post('/my/start', {
      municipality: 'minato',
      family_name: '佐藤',
      given_name: '美緒',
      family_name_kana: 'サトウ',
      given_name_kana: 'ミオ',
      phone: '090-2345-6789',
    })
    assert.equal(locationOf(registered), visitPath(`token=${token}`))
    const page = await phone.get(locationOf(registered))
    page.assertInertiaComponent('visits/resident/confirm')
  })
})
