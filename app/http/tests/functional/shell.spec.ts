import { messagesOf } from '#tests/helpers/client_messages'
import { test } from '@japa/runner'

test.group('Shell: security headers, health, errors', () => {
  test('pages carry a nonce-based CSP and the hardening headers', async ({ client, assert }) => {
    const response = await client.get('/login')
    const csp = response.header('content-security-policy') ?? ''
    assert.match(csp, /script-src 'self' 'nonce-[\w-]+'/)
    assert.include(csp, "frame-ancestors 'none'")
    assert.include(csp, "object-src 'none'")
    assert.notInclude(csp, 'unsafe-inline')
    assert.notInclude(csp, 'unsafe-eval')
    const nonce = /'nonce-([\w-]+)'/.exec(csp)![1]
    response.assertTextIncludes(`<meta property="csp-nonce" nonce="${nonce}" />`)
    response.assertHeader('x-frame-options', 'DENY')
    response.assertHeader('x-content-type-options', 'nosniff')
    assert.match(
      response.header('strict-transport-security') ?? '',
      /max-age=31536000; includeSubDomains/
    )
    const sessionCookie: string =
      [response.headers()['set-cookie']]
        .flat()
        .find((cookie: string) => cookie.startsWith('tomoni-session=')) ?? ''
    assert.match(sessionCookie, /HttpOnly/)
    assert.match(sessionCookie, /SameSite=Lax/)
  })

  test('health: live answers without touching dependencies', async ({ client }) => {
    const response = await client.get('/health/live')
    response.assertStatus(200)
    response.assertBody({ status: 'ok' })
  })

  test('health: ready checks the database, and Redis when the queue uses it', async ({
    client,
    assert,
  }) => {
    const response = await client.get('/health/ready')
    response.assertStatus(200)
    const names = response.body().checks.map((check: { name: string }) => check.name)
    assert.isTrue(names.some((name: string) => name.startsWith('Database health check')))
    assert.equal(names.includes('Redis check'), Boolean(process.env.REDIS_HOST))
    // No backup yet in a test database: the backup's age is a warning, and the node still serves
    for (const check of response.body().checks as { name: string; status: string }[]) {
      const expected = check.name === 'Backup age check' ? 'warning' : 'ok'
      assert.equal(check.status, expected, check.name)
    }
    assert.include(names, 'Backup age check')
  })

  test('an unknown page answers 404 with a translated page', async ({ client, assert }) => {
    const response = await client.get('/no-such-page').withInertia()
    response.assertStatus(404)
    response.assertInertiaComponent('http/error_status')
    assert.equal(response.body().props.kind, 'not_found')
    const messages = await messagesOf(client, response)
    assert.equal(messages['ui.errors.not_found.title'], 'ページが見つかりません')
  })

  test('signed-out visitors are sent to the login page', async ({ client }) => {
    const response = await client.get('/').redirects(0)
    response.assertStatus(302)
    response.assertHeader('location', '/login')
  })
})
