import { test } from '@japa/runner'
import testUtils from '@adonisjs/core/services/test_utils'
import app from '@adonisjs/core/services/app'
import BrowserSession from '#tests/helpers/browser_session'
import { DEMO_PASSWORD } from '#database/demo_data'
import CsvJob from '#csv/csv_job'
import type { QueueConfig } from '#queue/types'

/** A port of this helper's spare range where nothing listens: Redis is down */
const DEAD_REDIS = { host: '127.0.0.1', port: 3728, db: 0 }

test.group('CSV jobs while Redis is down', (group) => {
  group.each.setup(() => testUtils.db().withGlobalTransaction())

  test('an export answers 503 within seconds with the message; no job is left queued', async ({
    client,
    assert,
  }) => {
    const browser = new BrowserSession(client)
    await browser.signIn('staff@minato.example', DEMO_PASSWORD)
    await browser.get('/m/minato/csv')
    const queue = await app.container.make('queue')
    const configured = app.config.get<QueueConfig>('queue').redis
    await queue.useRedis(DEAD_REDIS)
    try {
      const started = Date.now()
      const response = await browser.post('/m/minato/csv/exports', {
        format: 'facility_month',
        month: '2026-11',
        encoding: 'utf8_bom',
      })
      assert.isBelow(Date.now() - started, 5000)
      response.assertStatus(503)
      response.assertInertiaComponent('csv/queue_unavailable')
      const page = response.body().props
      assert.equal(page.title, 'ただいま処理を受け付けられません')
      assert.include(page.message, 'しばらくしてからもう一度お試しください')
      assert.equal(page.back, '/m/minato/csv')

      const job = await CsvJob.query().orderBy('id', 'desc').firstOrFail()
      assert.equal(job.kind, 'export_facility_month')
      assert.equal(job.status, 'failed')
      assert.deepEqual(job.result, { failure: { code: 'queue_unavailable' } })
      assert.equal(
        await CsvJob.query()
          .where('status', 'queued')
          .count('* as n')
          .first()
          .then((r) => Number(r!.$extras.n)),
        0
      )

      const list = await browser.get('/m/minato/csv')
      const listed = list.body().props.jobs.find((row: { id: number }) => row.id === job.id)
      assert.include(listed.failure, 'ジョブの実行基盤に接続できません')
    } finally {
      await queue.useRedis(configured)
    }
  }).timeout(20_000)
})
