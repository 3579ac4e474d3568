import { test } from '@japa/runner'
import type { ApiClient } from '@japa/api-client'
import router from '@adonisjs/core/services/router'
import db from '@adonisjs/lucid/services/db'
import testUtils from '@adonisjs/core/services/test_utils'
import BrowserSession from '#tests/helpers/browser_session'
import { signedIn } from '#tests/helpers/staff_console'
import { hanakoWithHours, waitingAozoraVisit } from '#tests/helpers/resident_visits'

/*
| A NUL character (PostgreSQL refuses it in text) or a lone UTF-16
| surrogate (no valid UTF-8, and encodeURIComponent throws "URI malformed")
| anywhere in a request's body or query is refused before any route's code
| runs, with a translated message: a 422 to JSON clients, the form again
| with the message for pages. Never a 500, nothing written.
*/

const NUL = '\u0000'
const LONE_SURROGATE = '\uD800'
const MESSAGE_JA =
  '使用できない文字（制御文字など）が含まれています。取り除いてから送信してください。'

const TEXT_FIELDS = [
  'reason',
  'email',
  'password',
  'current_password',
  'name',
  'family_name',
  'body',
  'note',
  'number',
  'otp',
]

function bodyWith(char: string) {
  return Object.fromEntries(TEXT_FIELDS.map((field) => [field, `テスト${char}abc`]))
}

/** Who is allowed on a route, by where it lives */
function accountFor(pattern: string) {
  if (pattern.startsWith('/operator')) return 'operator@tomoni.example'
  if (pattern.startsWith('/m/:municipality/provider')) return 'owner@aozora.example'
  if (
    pattern.startsWith('/m/:municipality/my') ||
    pattern.startsWith('/my/') ||
    pattern.startsWith('/account')
  ) {
    return 'hanako@example.jp'
  }
  if (pattern.startsWith('/m/')) return 'admin@minato.example'
  return null
}

function urlOf(pattern: string) {
  return pattern
    .replace(':municipality', 'minato')
    .replace(/:(\w*token\w*)/gi, 'a'.repeat(43))
    .replace(/:\w+\??/g, '1')
}

function cookieHeader(browser: BrowserSession) {
  return [...browser.cookies].map(([name, value]) => `${name}=${value}`).join('; ')
}

/** A JSON client's request (no Inertia), and a plain HTML form's */
async function sendAs(
  client: ApiClient,
  browser: BrowserSession,
  method: 'post' | 'put' | 'patch' | 'delete',
  url: string,
  body: Record<string, string>,
  encoding: 'json' | 'form'
) {
  let request = client[method](url)
    .redirects(0)
    .header('cookie', cookieHeader(browser))
    .header('x-xsrf-token', decodeURIComponent(browser.cookies.get('XSRF-TOKEN') ?? ''))
    .header('referer', '/previous-page')
  request =
    encoding === 'json'
      ? request.header('accept', 'application/json').json(body)
      : request.header('accept', 'text/html').form(body)
  return request
}

function stateChangingRoutes() {
  return Object.values(router.toJSON())
    .flat()
    .flatMap((route) =>
      route.methods
        .filter((method) => ['POST', 'PUT', 'PATCH', 'DELETE'].includes(method))
        .map((method) => ({
          method: method.toLowerCase() as 'post' | 'put' | 'patch' | 'delete',
          pattern: route.pattern,
        }))
    )
    .filter((route) => route.pattern !== '/*')
}

async function counts() {
  const [entries, events, sessions] = await Promise.all([
    db.from('ledger_entries').count('* as total').first(),
    db.from('audit_events').count('* as total').first(),
    db.from('users').count('* as total').first(),
  ])
  return [entries.total, events.total, sessions.total].map(Number)
}

test.group('Unsafe characters: NUL and lone surrogates', (group) => {
  group.each.setup(() => testUtils.db().withGlobalTransaction())

  test('every state-changing route refuses them in JSON and form bodies, never a 500', async ({
    client,
    assert,
  }) => {
    const routes = stateChangingRoutes()
    assert.isAbove(routes.length, 30)
    const sessions = new Map<string | null, BrowserSession>()
    const problems: string[] = []

    for (const { method, pattern } of routes) {
      const account = accountFor(pattern)
      if (!sessions.has(account)) {
        if (account) {
          sessions.set(account, await signedIn(client, account))
        } else {
          const anonymous = new BrowserSession(client)
          await anonymous.get('/login')
          sessions.set(account, anonymous)
        }
      }
      const browser = sessions.get(account)!
      const url = urlOf(pattern)
      for (const [label, char] of [
        ['NUL', NUL],
        ['lone surrogate', LONE_SURROGATE],
      ]) {
        const json = await sendAs(client, browser, method, url, bodyWith(char), 'json')
        const jsonErrors = json.body()?.errors ?? []
        if (
          json.status() !== 422 ||
          !jsonErrors.some((error: { message: string }) => error.message === MESSAGE_JA)
        ) {
          problems.push(`${method} ${url} JSON ${label} → ${json.status()}`)
        }
      }
      // A URL cannot carry a lone surrogate either (it arrives as U+FFFD)
      const query = await sendAs(client, browser, method, `${url}?q=a%00b`, {}, 'json')
      if (query.status() !== 422) problems.push(`${method} ${url} query NUL → ${query.status()}`)
      // A form cannot carry a lone surrogate (it arrives as U+FFFD): NUL only
      const form = await sendAs(client, browser, method, url, bodyWith(NUL), 'form')
      if (form.status() !== 302 || form.header('location') !== '/previous-page') {
        problems.push(`${method} ${url} form NUL → ${form.status()} ${form.header('location')}`)
      }
    }
    assert.deepEqual(problems, [])
  }).timeout(300_000)

  test('a rejection reason with NUL: the visit stays waiting, the page shows why', async ({
    client,
    assert,
  }) => {
    await hanakoWithHours()
    const { redemptionId } = await waitingAozoraVisit()
    const browser = await signedIn(client, 'helper@aozora.example')
    await browser.get('/m/minato/provider/approvals')
    const before = await counts()

    const json = await sendAs(
      client,
      browser,
      'post',
      `/m/minato/provider/approvals/${redemptionId}/reject`,
      { reason: `都合により${NUL}` },
      'json'
    )
    json.assertStatus(422)
    assert.deepEqual(json.body().errors, [
      { field: 'reason', message: MESSAGE_JA, rule: 'unsafe_characters' },
    ])

    const page = await browser.post(`/m/minato/provider/approvals/${redemptionId}/reject`, {
      reason: `都合により${NUL}キャンセル`,
    })
    assert.oneOf(page.status(), [302, 303])
    assert.equal(page.header('location'), '/m/minato/provider/approvals')

    assert.deepEqual(await counts(), before)
    const redemption = await db.from('ledger_redemptions').where('id', redemptionId).firstOrFail()
    assert.equal(redemption.status, 'reserved')

    const shown = await browser.get('/m/minato/provider/approvals')
    assert.equal(shown.body().props.errors.reason, MESSAGE_JA)
  })

  test('a lone surrogate in a sign-in or sign-up body is refused in English too', async ({
    client,
    assert,
  }) => {
    const browser = new BrowserSession(client)
    await browser.get('/login')
    for (const url of ['/login', '/register', '/forgot-password', '/verify-email/resend']) {
      const response = await sendAs(
        client,
        browser,
        'post',
        url,
        { email: `a${LONE_SURROGATE}@example.jp`, password: 'x' },
        'json'
      )
      response.assertStatus(422)
      assert.equal(response.body().errors[0].field, 'email', url)
    }
    await browser.put('/locale', { locale: 'en' })
    const english = await sendAs(
      client,
      browser,
      'post',
      '/login',
      { email: `a${LONE_SURROGATE}@example.jp` },
      'json'
    )
    english.assertStatus(422)
    assert.equal(
      english.body().errors[0].message,
      'This contains characters that cannot be used (such as control characters). Remove them and send it again.'
    )
  })
})
