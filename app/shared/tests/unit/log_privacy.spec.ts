import { test } from '@japa/runner'
import { Writable } from 'node:stream'
import { Logger } from '@adonisjs/core/logger'
import db from '@adonisjs/lucid/services/db'
import { logMethodWithoutQueries, redactPaths, serializeError } from '#shared/log_privacy'

/** A logger configured as config/logger.ts does, writing into an array */
function capturingLogger() {
  const lines: string[] = []
  const stream = new Writable({
    write(chunk, _encoding, done) {
      lines.push(String(chunk))
      done()
    },
  })
  const logger = new Logger({
    enabled: true,
    name: 'tomoni',
    level: 'info',
    redact: { paths: redactPaths(), censor: '[redacted]' },
    serializers: { err: serializeError },
    hooks: { logMethod: logMethodWithoutQueries },
    destination: stream,
  })
  return { logger, lines }
}

test.group('Log privacy', () => {
  test('names, contacts, passwords, codes and cookies are redacted at any depth', ({ assert }) => {
    const { logger, lines } = capturingLogger()
    logger.info(
      {
        password: 'tomoni-demo-2026',
        email: 'hanako@example.jp',
        form: {
          family_name: '山田',
          given_name_kana: 'ハナコ',
          phone: '090-0000-0101',
          otp: '123456',
        },
        request: { headers: { 'cookie': 'adonis-session=abc', 'x-xsrf-token': 'xsrf-value' } },
        resident: { familyName: '佐藤', givenName: '結衣', name: '佐藤 結衣' },
        csvJob: 12,
      },
      'something happened'
    )
    const line = JSON.parse(lines[0])
    for (const secret of [
      'tomoni-demo-2026',
      'hanako@',
      '山田',
      'ハナコ',
      '090-',
      '123456',
      'abc',
      'xsrf-value',
      '佐藤',
      '結衣',
    ]) {
      assert.notInclude(lines[0], secret)
    }
    assert.equal(line.form.phone, '[redacted]')
    assert.equal(line.request.headers.cookie, '[redacted]')
    // What is not personal stays, the logger's own name too
    assert.equal(line.csvJob, 12)
    assert.equal(line.name, 'tomoni')
    assert.equal(line.msg, 'something happened')
  })

  test('an error is logged without the values a query or form put in it', ({ assert }) => {
    const { logger, lines } = capturingLogger()
    const error = Object.assign(new Error('duplicate key value violates unique constraint'), {
      code: '23505',
      detail: 'Key (email)=(hanako@example.jp) already exists.',
      bindings: ['hanako@example.jp'],
    })
    logger.error({ err: error }, 'write failed')
    const line = JSON.parse(lines[0])
    assert.notInclude(lines[0], 'hanako@example.jp')
    assert.equal(line.err.code, '23505')
    assert.equal(line.err.message, 'duplicate key value violates unique constraint')
    assert.isString(line.err.stack)
  })

  test('a failed query is logged without its statement and values', async ({ assert }) => {
    const { logger, lines } = capturingLogger()
    const error = await db
      .from('residents')
      .where('family_name', '山田')
      .where('no_such_column', 'hanako@example.jp')
      .first()
      .then(() => null)
      .catch((failure: Error) => failure)
    assert.instanceOf(error, Error)
    // What knex makes of it: the statement (on SQLite with its values), then the driver's message
    assert.match(error!.message, /^select .* - /)
    // As the exception handler reports it: the error, its message as the line's
    logger.error({ err: error }, error!.message)
    assert.notInclude(lines[0], 'hanako@example.jp')
    assert.notInclude(lines[0], '山田')
    const line = JSON.parse(lines[0])
    assert.match(line.msg, /no_such_column/)
    assert.notMatch(line.msg, /select/)
    assert.equal(line.err.message, line.msg)
  })
})
