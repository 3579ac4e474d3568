import { test } from '@japa/runner'
import { readFile } from 'node:fs/promises'
import { ApiClient } from '@japa/api-client'
import { DEMO_ACCOUNTS, DEMO_PASSWORD } from '#database/demo_data'
import BrowserSession, { locationOf } from '#tests/helpers/browser_session'
import { startServerProcess, type ServerProcess } from '#tests/helpers/server_process'

/*
| The production server's own log of a whole journey: a resident signs in,
| opens her home and a visit, sends her profile with a wrong phone number;
| staff search the residents by name and open one; someone types a wrong
| password. Every line is JSON, each request has its line with request id,
| route, status, tenant and user, and no line holds a resident's name,
| email or phone number, nor a password.
*/

const RESIDENTS = [
  {
    names: ['山田', '花子', 'ヤマダ', 'ハナコ'],
    email: 'hanako@example.jp',
    phone: '090-0000-0101',
  },
  { names: ['佐藤', '結衣', 'サトウ', 'ユイ'], email: 'yui@example.jp', phone: '090-0000-0102' },
  { names: ['鈴木', '一郎', 'スズキ', 'イチロウ'], email: null, phone: null },
]
const WRONG_PASSWORD = 'not-the-password-8461'

type LogLine = Record<string, unknown> & { msg?: string }

function sessionOn(server: ServerProcess) {
  return new BrowserSession(new ApiClient(server.url))
}

/** Follows the redirects of a page as the browser would, returning the page */
async function open(session: BrowserSession, url: string) {
  let response = await session.get(url)
  for (let hop = 0; hop < 5 && [301, 302, 303].includes(response.status()); hop++) {
    response = await session.get(locationOf(response))
  }
  return response
}

test.group('Request logs', () => {
  test('the log of a whole journey is JSON lines with request ids and no personal data', async ({
    assert,
    cleanup,
  }) => {
    const server = await startServerProcess('request-logs')
    cleanup(() => server.stop())
    const data = server.database()
    const yui = await data.from('residents').where('resident_number', 'MN-000102').firstOrFail()
    const hanako = await data.from('residents').where('resident_number', 'MN-000101').firstOrFail()
    const visit = await data
      .from('ledger_redemptions')
      .where('resident_id', yui.id)
      .orderBy('id')
      .firstOrFail()

    // The resident: home, a visit, her profile sent with a wrong phone number
    const resident = sessionOn(server)
    const signedIn = await resident.signIn('yui@example.jp', DEMO_PASSWORD)
    assert.include([302, 303], signedIn.status())
    const home = await open(resident, '/')
    assert.equal(home.status(), 200)
    const visitPage = await resident.get(`/m/minato/my/visits/${visit.id}`)
    assert.equal(visitPage.status(), 200)
    await resident.get('/m/minato/my/profile')
    const refused = await resident.put('/m/minato/my/profile', {
      family_name: '佐藤',
      given_name: '結衣',
      family_name_kana: 'サトウ',
      given_name_kana: 'ユイ',
      phone: '090-0000-0102-yui@example.jp',
    })
    assert.include([302, 303], refused.status())
    const profile = await resident.get('/m/minato/my/profile')
    assert.property(profile.body().props.errors, 'phone')

    // Staff: the residents found by a name, and one resident's page
    const staff = sessionOn(server)
    await staff.signIn('staff@minato.example', DEMO_PASSWORD)
    const found = await staff.get(`/m/minato/residents?q=${encodeURIComponent('山田')}`)
    assert.equal(found.status(), 200)
    const residentPage = await staff.get(`/m/minato/residents/${hanako.id}`)
    assert.equal(residentPage.status(), 200)
    const requestId = String(residentPage.header('x-request-id'))
    assert.match(requestId, /^[0-9a-f-]{36}$/)

    // A wrong password
    const stranger = sessionOn(server)
    await stranger.signIn('hanako@example.jp', WRONG_PASSWORD)

    server.child.kill('SIGTERM')
    const [code] = await server.exited
    assert.equal(code, 0)

    const text = await readFile(server.logFile, 'utf8')
    const lines = text.split('\n').filter((line) => line !== '')
    const entries = lines.map((line, index) => {
      try {
        return JSON.parse(line) as LogLine
      } catch {
        throw new Error(`log line ${index + 1} is not JSON: ${line}`)
      }
    })

    // Every request has its line: route, status, duration, request id
    const requests = entries.filter((entry) => entry.msg === 'request')
    assert.isAbove(requests.length, 10)
    for (const entry of requests) {
      assert.properties(entry, ['request_id', 'method', 'status', 'duration_ms'])
      assert.notProperty(entry, 'url')
    }
    const line = requests.find((entry) => entry.request_id === requestId)
    assert.deepInclude(line, {
      route: 'tenant.residents.show',
      method: 'GET',
      status: 200,
      tenant: 'minato',
    })
    const staffUser = await data.from('users').where('email', 'staff@minato.example').firstOrFail()
    const yuiUser = await data.from('users').where('email', 'yui@example.jp').firstOrFail()
    assert.equal(line!.user_id, staffUser.id)
    assert.isNumber(line!.municipality_id)
    const visitLine = requests.find((entry) => entry.route === 'tenant.my.visits.show')
    assert.deepInclude(visitLine, { status: 200, tenant: 'minato', user_id: yuiUser.id })
    assert.isTrue(requests.some((entry) => entry.route === 'session.store' && !entry.user_id))
    assert.isTrue(requests.some((entry) => entry.route === 'tenant.my.profile.update'))
    assert.isTrue(requests.some((entry) => entry.route === 'tenant.residents.index'))

    // Nothing personal anywhere: names (kanji and kana), emails, phone numbers, passwords
    const secrets = [
      ...RESIDENTS.flatMap(({ names, email, phone }) => [...names, email, phone]),
      ...DEMO_ACCOUNTS.map((account) => account.email),
      encodeURIComponent('山田'),
      DEMO_PASSWORD,
      WRONG_PASSWORD,
    ].filter((value): value is string => Boolean(value))
    for (const [index, logLine] of lines.entries()) {
      for (const secret of secrets) {
        assert.notInclude(logLine, secret, `log line ${index + 1} holds "${secret}"`)
      }
    }
  }).timeout(120_000)
})
