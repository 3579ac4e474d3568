import { test } from '@japa/runner'
import testUtils from '@adonisjs/core/services/test_utils'
import db from '@adonisjs/lucid/services/db'
import type { ApiResponse } from '@japa/api-client'
import BrowserSession from '#tests/helpers/browser_session'
import { DEMO_PASSWORD } from '#database/demo_data'
import User from '#identity/user'

async function sessionRows() {
  const [row] = await db.from('sessions').count('* as total')
  return Number(row.total)
}

function setCookies(response: ApiResponse): string[] {
  return [response.headers()['set-cookie'] ?? []].flat()
}

/*
| Without a global transaction: the readiness check holds the connection it
| was built with (start/health.ts), which must not be a test's transaction.
*/
test.group('Session-free routes: health checks and static files', () => {
  for (const path of ['/health/live', '/health/ready']) {
    test(`50 cookieless requests to ${path} leave no session row and set no cookie`, async ({
      client,
      assert,
    }) => {
      const before = await sessionRows()
      for (let i = 0; i < 50; i++) {
        const response = await client.get(path)
        assert.equal(response.status(), 200, JSON.stringify(response.body()))
        assert.deepEqual(setCookies(response), [])
      }
      assert.equal(await sessionRows(), before)
    })
  }

  test('20 probes of /health/live send no query to the database', async ({ client, assert }) => {
    const queries: string[] = []
    const knexClients = [db.connection().getWriteClient(), db.connection().getReadClient()]
    const record = (query: { sql: string }) => queries.push(query.sql)
    const probeLive = async () => {
      for (let i = 0; i < 20; i++) {
        const response = await client.get('/health/live')
        response.assertStatus(200)
      }
    }
    for (const knex of knexClients) knex.on('query', record)
    try {
      await probeLive()
      // The same count catches a query of /health/ready (the listener works)
      await client.get('/health/ready')
      assert.isNotEmpty(queries)
      queries.length = 0
      await probeLive()
    } finally {
      for (const knex of knexClients) knex.off('query', record)
    }
    assert.deepEqual(queries, [])
  })

  test('ready names its checks and their status, nothing more', async ({ client, assert }) => {
    const response = await client.get('/health/ready')
    response.assertStatus(200)
    const checks = response.body().checks as Record<string, unknown>[]
    assert.includeMembers(
      checks.map((check) => check.name),
      process.env.REDIS_HOST
        ? ['Storage space check', 'Redis check', 'Queue lag check']
        : ['Storage space check']
    )
    for (const check of checks) assert.sameMembers(Object.keys(check), ['name', 'status'])
  })

  test('health checks keep the hardening headers', async ({ client }) => {
    const response = await client.get('/health/live')
    response.assertHeader('x-frame-options', 'DENY')
    response.assertHeader('x-content-type-options', 'nosniff')
    response.assertHeader('content-security-policy')
  })
})

test.group('Session-free routes: a signed-in browser', (group) => {
  group.each.setup(() => testUtils.db().withGlobalTransaction())

  test('a signed-in browser probing /health/live neither renews nor changes its session', async ({
    client,
    assert,
  }) => {
    const hanako = await User.findByOrFail('email', 'hanako@example.jp')
    const browser = new BrowserSession(client)
    const signedIn = await browser.signIn('hanako@example.jp', DEMO_PASSWORD)
    signedIn.assertHeader('location', '/')
    const [before] = await db.from('sessions').where('user_id', String(hanako.id))
    const rows = await sessionRows()
    for (let i = 0; i < 50; i++) {
      const response = await browser.get('/health/live')
      response.assertStatus(200)
      assert.deepEqual(setCookies(response), [])
    }
    assert.deepEqual(await db.from('sessions').where('user_id', String(hanako.id)), [before])
    assert.equal(await sessionRows(), rows)
    // The session itself is untouched: still signed in
    const home = await browser.get('/')
    home.assertStatus(200)
    home.assertInertiaComponent('home/index')
  })

  test('a static file is served without a session or a cookie', async ({ client, assert }) => {
    const before = await sessionRows()
    const response = await client.get('/favicon.svg')
    response.assertStatus(200)
    assert.deepEqual(setCookies(response), [])
    assert.equal(await sessionRows(), before)
  })

  test('pages still get their session and CSRF cookies', async ({ client, assert }) => {
    const before = await sessionRows()
    const login = await client.get('/login')
    const names = setCookies(login).map((cookie) => cookie.split('=')[0])
    assert.includeMembers(names, ['tomoni-session', 'XSRF-TOKEN'])
    assert.equal(await sessionRows(), before + 1)
  })
})
