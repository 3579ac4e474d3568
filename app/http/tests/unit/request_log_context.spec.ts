import { test } from '@japa/runner'
import { Writable } from 'node:stream'
import { Logger } from '@adonisjs/core/logger'
import type { HttpContext } from '@adonisjs/core/http'
import RequestLogContext from '#http/request_log_context'

/** A logger with the app's mixin, writing into an array */
function capturingLogger() {
  const lines: Record<string, unknown>[] = []
  const raw: string[] = []
  const stream = new Writable({
    write(chunk, _encoding, done) {
      raw.push(String(chunk))
      lines.push(JSON.parse(String(chunk)))
      done()
    },
  })
  const logger = new Logger({
    enabled: true,
    name: 'tomoni',
    level: 'info',
    mixin: (_object: object, _level: number, self: { bindings(): Record<string, unknown> }) =>
      RequestLogContext.mixin(self),
    destination: stream,
  })
  return { logger, lines, raw }
}

const ctx = {
  request: { id: () => 'request-1' },
  tenant: { municipality: { slug: 'minato' }, municipalityId: 1 },
  auth: { user: { id: 7 } },
  route: { name: 'tenant.residents.show', pattern: '/m/:municipality/residents/:resident' },
} as unknown as HttpContext

test.group('Request log context', () => {
  test('a line logged while serving a request says which: id, tenant, user, route', async ({
    assert,
  }) => {
    const { logger, lines, raw } = capturingLogger()
    logger.info('outside')
    await RequestLogContext.run(ctx, async () => {
      await Promise.resolve()
      logger.info({ csvJob: 3 }, 'from a service')
      logger.child({ request_id: 'request-1' }).info('from ctx.logger')
    })
    assert.notProperty(lines[0], 'request_id')
    assert.deepInclude(lines[1], {
      request_id: 'request-1',
      tenant: 'minato',
      municipality_id: 1,
      user_id: 7,
      route: 'tenant.residents.show',
      csvJob: 3,
    })
    // The request's own logger binds the id already: once per line
    assert.deepInclude(lines[2], { request_id: 'request-1', user_id: 7 })
    assert.lengthOf(raw[2].match(/"request_id"/g)!, 1)
  })
})
