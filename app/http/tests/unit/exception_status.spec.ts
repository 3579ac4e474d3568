import { test } from '@japa/runner'
import testUtils from '@adonisjs/core/services/test_utils'
import HttpExceptionHandler from '#http/exception_handler'
import { isServiceUnreachable } from '#http/service_unreachable'

/**
 * An error that reached the handler before the session, i18n and Inertia
 * were set up, e.g. the session store's database refused the connection:
 * the plain translated page, with its status.
 */
async function renderFailure(error: unknown) {
  const ctx = await testUtils.createHttpContext()
  ctx.request.request.headers.accept = 'text/html'
  const handler = new HttpExceptionHandler()
  await handler.handle(error, ctx)
  return { status: ctx.response.getStatus(), body: String(ctx.response.getBody()) }
}

function connectionRefused() {
  return Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), {
    code: 'ECONNREFUSED',
    errno: -111,
    syscall: 'connect',
  })
}

test.group('Error pages carry their status', () => {
  test('the database refusing connections: 503 and the translated page, no driver message', async ({
    assert,
  }) => {
    const { status, body } = await renderFailure(connectionRefused())
    assert.equal(status, 503)
    assert.include(body, 'ただいま表示できません')
    assert.notInclude(body, 'ECONNREFUSED')
    assert.notInclude(body, '5432')
  })

  test('no connection from the pool in time (knex): 503', async ({ assert }) => {
    const timeout = new Error('Knex: Timeout acquiring a connection. The pool is probably full.')
    timeout.name = 'KnexTimeoutError'
    const { status, body } = await renderFailure(timeout)
    assert.equal(status, 503)
    assert.include(body, 'ただいま表示できません')
  })

  test('a bug (any other error): 500, never 200', async ({ assert }) => {
    const { status, body } = await renderFailure(new TypeError('x is not a function'))
    assert.equal(status, 500)
    assert.include(body, 'ただいま表示できません')
    assert.notInclude(body, 'x is not a function')
  })

  test('what counts as a service that does not answer', ({ assert }) => {
    assert.isTrue(isServiceUnreachable(connectionRefused()))
    assert.isTrue(isServiceUnreachable(new Error('wrapped', { cause: connectionRefused() })))
    assert.isTrue(isServiceUnreachable(Object.assign(new Error('shutdown'), { code: '57P01' })))
    assert.isTrue(isServiceUnreachable(Object.assign(new Error('lost'), { code: '08006' })))
    const redis = new Error('Reached the max retries per request limit')
    redis.name = 'MaxRetriesPerRequestError'
    assert.isTrue(isServiceUnreachable(redis))
    // A constraint violation is the request's fault, not an outage
    assert.isFalse(isServiceUnreachable(Object.assign(new Error('dup'), { code: '23505' })))
    assert.isFalse(isServiceUnreachable(Object.assign(new Error('busy'), { code: 'SQLITE_BUSY' })))
    assert.isFalse(isServiceUnreachable(new Error('plain')))
    assert.isFalse(isServiceUnreachable('a string'))
  })
})
