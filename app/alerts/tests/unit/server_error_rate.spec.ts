import { test } from '@japa/runner'
import testUtils from '@adonisjs/core/services/test_utils'
import Alert from '#alerts/alert'
import ServerErrorRate, { HTTP_5XX_CONDITION } from '#alerts/server_error_rate'

test.group('Alerts: server error rate', (group) => {
  group.each.setup(() => testUtils.db().withGlobalTransaction())

  test('more 5xx than the threshold in a minute raises once; a quiet spell resolves', async ({
    assert,
  }) => {
    let now = Date.UTC(2026, 11, 1, 0, 0, 5)
    const rate = new ServerErrorRate(3, 5, () => now)
    const alerts = () => Alert.query().where('condition', HTTP_5XX_CONDITION).orderBy('id')

    for (let index = 0; index < 3; index++) await rate.record(500)
    await rate.record(200)
    assert.lengthOf(await alerts(), 0, 'at the threshold: no alert')

    await rate.record(503)
    await rate.record(502)
    let [alert] = await alerts()
    assert.equal(alert.status, 'open')
    assert.equal(alert.occurrences, 1, 'one raise per minute over the threshold')
    assert.deepEqual(alert.details, { errors_in_minute: 4, threshold: 3 })

    now += 60_000
    for (let index = 0; index < 4; index++) await rate.record(500)
    ;[alert] = await alerts()
    assert.equal(alert.occurrences, 2)

    now += 4 * 60_000
    await rate.record(200)
    ;[alert] = await alerts()
    assert.equal(alert.status, 'open', 'not quiet long enough')

    now += 60_000
    await rate.record(200)
    ;[alert] = await alerts()
    assert.equal(alert.status, 'resolved')
    assert.lengthOf(await alerts(), 1)
  })
})
