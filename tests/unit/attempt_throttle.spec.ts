import { test } from '@japa/runner'
import { setTimeout as sleep } from 'node:timers/promises'
import testUtils from '@adonisjs/core/services/test_utils'
import AttemptThrottle, { LOGIN_RULES } from '#services/attempt_throttle'

test.group('Login throttle', (group) => {
  group.each.setup(() => testUtils.db().withGlobalTransaction())

  test('blocks expire by themselves: nobody is locked out for good', async ({ assert }) => {
    const throttle = new AttemptThrottle([
      { ...LOGIN_RULES[0], requests: 2, duration: '1 sec', blockDuration: '1 sec' },
    ])
    await throttle.record({ email: 'a@example.jp', ip: '192.0.2.1' })
    assert.isNull(await throttle.retryAfter({ email: 'a@example.jp', ip: '192.0.2.1' }))
    await throttle.record({ email: 'a@example.jp', ip: '192.0.2.1' })
    assert.isAbove((await throttle.retryAfter({ email: 'a@example.jp', ip: '192.0.2.1' }))!, 0)
    await sleep(1200)
    assert.isNull(await throttle.retryAfter({ email: 'a@example.jp', ip: '192.0.2.1' }))
  })

  test('the account rule catches guesses spread over many addresses', async ({ assert }) => {
    const accountRule = LOGIN_RULES.find((rule) => rule.name === 'account')!
    const throttle = new AttemptThrottle([{ ...accountRule, requests: 3 }])
    for (const ip of ['192.0.2.1', '192.0.2.2', '192.0.2.3']) {
      await throttle.record({ email: 'b@example.jp', ip: ip })
    }
    assert.isNotNull(await throttle.retryAfter({ email: 'b@example.jp', ip: '192.0.2.200' }))
    assert.isNull(await throttle.retryAfter({ email: 'c@example.jp', ip: '192.0.2.200' }))
  })
})
