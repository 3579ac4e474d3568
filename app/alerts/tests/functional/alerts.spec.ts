import { setTimeout as sleep } from 'node:timers/promises'
import { test } from '@japa/runner'
import testUtils from '@adonisjs/core/services/test_utils'
import app from '@adonisjs/core/services/app'
import emitter from '@adonisjs/core/services/emitter'
import db from '@adonisjs/lucid/services/db'
import BrowserSession from '#tests/helpers/browser_session'
import { DEMO_PASSWORD } from '#database/demo_data'
import { mailboxSettled, mailsSince, waitForMail } from '#tests/helpers/mailbox'
import { asTamperingAdmin } from '#tests/helpers/audit_tampering'
import Alert from '#alerts/alert'
import Alerts from '#alerts/alerts'
import WorkerWatch, { WORKER_SILENT_AFTER_MS } from '#alerts/worker_watch'
import ChainVerifyJob from '#alerts/chain_verify_job'
import User from '#identity/user'
import Municipality from '#tenancy/municipality'
import AuditTrail from '#audit/audit_trail'

const OPERATOR = 'operator@tomoni.example'
const ADMIN = 'admin@minato.example'
const STAFF = 'staff@minato.example'

function jobFailed(final: boolean) {
  return {
    jobName: 'csv_export',
    jobId: '42',
    error: 'boom for 山田 花子',
    attemptsMade: final ? 3 : 1,
    final,
  }
}

async function alertsOf(condition: string) {
  return Alert.query().where('condition', condition).orderBy('id')
}

/**
 * Each test in a transaction, starting with no alert: other suites' work
 * (a backup test's failed backup) may have opened one for real.
 */
async function withNoAlerts() {
  const rollback = await testUtils.db().withGlobalTransaction()
  await db.from('alerts').delete()
  return rollback
}

test.group('Alerts', (group) => {
  group.each.setup(withNoAlerts)

  test('a job failing after its retries alerts the operator once, however often it fails', async ({
    assert,
  }) => {
    const since = await mailboxSettled()
    await emitter.emit('queue:job_failed', jobFailed(false))
    assert.lengthOf(await alertsOf('job_failed:csv_export'), 0, 'a retry left: no alert')

    await emitter.emit('queue:job_failed', jobFailed(true))
    await emitter.emit('queue:job_failed', jobFailed(true))
    await emitter.emit('queue:job_failed', jobFailed(true))
    const [alert, ...more] = await alertsOf('job_failed:csv_export')
    assert.lengthOf(more, 0)
    assert.equal(alert.status, 'open')
    assert.equal(alert.occurrences, 3)
    assert.deepEqual(alert.details, { job: 'csv_export', job_id: '42', attempts: 3 })
    assert.notInclude(JSON.stringify(alert.details), '山田', 'no personal data kept')

    const mail = await waitForMail(OPERATOR, since)
    assert.equal(mail.subject, '【Tomoni 警報】ジョブ「csv_export」が再試行のあとも失敗しました')
    assert.include(mail.text, 'プラットフォーム全体')
    assert.notInclude(mail.text, '山田')
    assert.lengthOf(await mailsSince(OPERATOR, since), 1, 'one mail for three failures')
    assert.lengthOf(await mailsSince(ADMIN, since), 0, 'a platform alert: not the admins')
  })

  test("the job's next successful run resolves its alert, with one recovery notice", async ({
    assert,
  }) => {
    await emitter.emit('queue:job_failed', { ...jobFailed(true), jobName: 'csv_sweep' })
    const [alert] = await alertsOf('job_failed:csv_sweep')
    assert.equal(alert.status, 'open')
    const since = await mailboxSettled()

    // The real job through the real queue (BullMQ on Redis when configured)
    const queue = await app.container.make('queue')
    await queue.dispatch('csv_sweep', {})
    await queue.drain()
    const deadline = Date.now() + 10_000
    await alert.refresh()
    while (alert.status === 'open' && Date.now() < deadline) {
      await sleep(100)
      await alert.refresh()
    }

    assert.equal(alert.status, 'resolved')
    const recovery = await waitForMail(OPERATOR, since)
    assert.equal(recovery.subject, '【Tomoni 復旧】ジョブ「csv_sweep」が再試行のあとも失敗しました')
    await queue.dispatch('csv_sweep', {})
    await queue.drain()
    await sleep(300)
    assert.lengthOf(await mailsSince(OPERATOR, since), 1, 'resolved once, mailed once')
  })

  test("a municipality's alert also reaches its administrators, each in their language", async ({
    assert,
  }) => {
    const minato = await Municipality.findByOrFail('slug', 'minato')
    await User.query().where('email', ADMIN).update({ preferred_locale: 'en' })
    const since = await mailboxSettled()
    assert.isTrue(await Alerts.raise('backup_failed', { error: 'disk full' }, minato.id))
    assert.isFalse(await Alerts.raise('backup_failed', { error: 'disk full' }, minato.id))
    // The same condition platform-wide is another alert
    assert.isTrue(await Alerts.raise('backup_failed', {}))

    const english = await waitForMail(ADMIN, since)
    assert.equal(english.subject, '[Tomoni alert] A backup failed')
    assert.include(english.text, 'Minato City')
    assert.include(english.text, 'error: disk full')
    assert.lengthOf(await mailsSince(ADMIN, since), 1)
    assert.lengthOf(await mailsSince(OPERATOR, since), 2)
    assert.lengthOf(await mailsSince(STAFF, since), 0, 'staff are not administrators')

    const resolvedSince = await mailboxSettled()
    assert.isTrue(await Alerts.resolve('backup_failed', minato.id))
    assert.isFalse(await Alerts.resolve('backup_failed', minato.id), 'resolved once')
    const recovery = await waitForMail(ADMIN, resolvedSince)
    assert.equal(recovery.subject, '[Tomoni resolved] A backup failed')
    assert.include(recovery.text, 'Times detected: 2')
    const [platformWide] = await Alert.query()
      .where('condition', 'backup_failed')
      .whereNull('municipality_id')
    assert.equal(platformWide.status, 'open', 'the platform alert stays open')
  })

  test('more than 20 server errors in a minute alert the operator once', async ({ assert }) => {
    // A fake finished request: the listener reads only the status
    const answered = (statusCode: number) =>
      ({ ctx: { response: { response: { statusCode } } } }) as never
    // The count is per clock minute: start well inside one
    const intoMinute = Date.now() % 60_000
    if (intoMinute > 55_000) await sleep(60_000 - intoMinute)
    const since = await mailboxSettled()
    for (let index = 0; index < 20; index++) {
      await emitter.emit('http:request_completed', answered(500))
    }
    await emitter.emit('http:request_completed', answered(200))
    assert.lengthOf(await alertsOf('http_5xx_rate'), 0, 'twenty is the threshold')
    for (let index = 0; index < 3; index++) {
      await emitter.emit('http:request_completed', answered(503))
    }
    const [alert, ...more] = await alertsOf('http_5xx_rate')
    assert.lengthOf(more, 0)
    assert.deepEqual(alert.details, { errors_in_minute: 21, threshold: 20 })
    const mail = await waitForMail(OPERATOR, since)
    assert.equal(mail.subject, '【Tomoni 警報】サーバーエラー（5xx）が1分間にしきい値を超えました')
  })

  test('the database holds one open alert per condition, whoever raises it', async ({ assert }) => {
    await Alerts.raise('worker_silent', { silent_minutes: 5 })
    const now = new Date().toISOString()
    const second = {
      condition: 'worker_silent',
      status: 'open',
      first_seen_at: now,
      last_seen_at: now,
      occurrences: 1,
    }
    await assert.rejects(() => db.transaction((trx) => trx.table('alerts').insert(second)))
    await Alerts.resolve('worker_silent')
    await db.transaction((trx) => trx.table('alerts').insert(second))
    const rows = await alertsOf('worker_silent')
    assert.deepEqual(
      rows.map((alert) => alert.status),
      ['resolved', 'open'],
      'a new open alert once the first is resolved'
    )
  })

  test('a failed backup alerts; the next good backup sends the recovery notice', async ({
    assert,
  }) => {
    const since = await mailboxSettled()
    await emitter.emit('backup:failed', { error: 'pg_dump: connection refused' })
    await emitter.emit('backup:failed', { error: 'pg_dump: connection refused' })
    const opened = await waitForMail(OPERATOR, since)
    assert.equal(opened.subject, '【Tomoni 警報】バックアップに失敗しました')

    const resolvedSince = await mailboxSettled()
    await emitter.emit('backup:succeeded', {
      file: 'tomoni.backup',
      finishedAt: new Date().toISOString(),
      bytes: 1024,
    })
    const recovery = await waitForMail(OPERATOR, resolvedSince)
    assert.equal(recovery.subject, '【Tomoni 復旧】バックアップに失敗しました')
    assert.include(recovery.text, '検知した回数: 2')
    const [alert] = await alertsOf('backup_failed')
    assert.equal(alert.status, 'resolved')
    assert.isNotNull(alert.resolvedAt)
    assert.lengthOf(await mailsSince(OPERATOR, since), 2, 'one alert, one recovery')
  })

  test('a worker silent for 5 minutes alerts; its next heartbeat resolves it', async ({
    assert,
  }) => {
    const start = new Date('2026-12-01T00:00:00Z')
    const at = (ms: number) => new Date(start.getTime() + ms)
    await emitter.emit('queue:worker_heartbeat', { at: start.toISOString() })
    assert.isFalse(await WorkerWatch.check(at(WORKER_SILENT_AFTER_MS - 1000), start))
    assert.lengthOf(await alertsOf('worker_silent'), 0)

    const since = await mailboxSettled()
    assert.isTrue(await WorkerWatch.check(at(WORKER_SILENT_AFTER_MS), start))
    assert.isTrue(await WorkerWatch.check(at(WORKER_SILENT_AFTER_MS + 60_000), start))
    const opened = await waitForMail(OPERATOR, since)
    assert.equal(opened.subject, '【Tomoni 警報】ワーカーが5分以上応答していません')
    const [silent] = await alertsOf('worker_silent')
    assert.equal(silent.occurrences, 2)

    await emitter.emit('queue:worker_heartbeat', {
      at: at(WORKER_SILENT_AFTER_MS + 90_000).toISOString(),
    })
    const [resolved] = await alertsOf('worker_silent')
    assert.equal(resolved.status, 'resolved')
    assert.lengthOf(await mailsSince(OPERATOR, since), 2, 'one alert, one recovery')
  })

  test('the nightly check alerts on a broken audit chain and resolves a ledger alert once clean', async ({
    assert,
  }) => {
    await Alerts.raise('ledger_verify', { subject: 'lot 1' })
    await new ChainVerifyJob().handle()
    const [ledger] = await alertsOf('ledger_verify')
    assert.equal(ledger.status, 'resolved')
    assert.lengthOf(await alertsOf('audit_verify'), 0, 'intact chains: no alert')

    await AuditTrail.record({
      municipalityId: null,
      action: 'operator.created',
      source: { channel: 'cli' },
      details: { user_id: 1 },
    })
    const head = await db
      .from('audit_events')
      .where('chain_key', 'platform')
      .orderBy('sequence', 'desc')
      .firstOrFail()
    await asTamperingAdmin(() =>
      db.from('audit_events').where('id', head.id).update({ details: '{"user_id":2}' })
    )
    await new ChainVerifyJob().handle()
    const [audit] = await alertsOf('audit_verify')
    assert.equal(audit.status, 'open')
    assert.include(String(audit.details?.broken_chains), 'platform')
  })
})

test.group('Alerts: the operator console', (group) => {
  group.each.setup(withNoAlerts)

  test('the operator sees open alerts first and the resolved ones below', async ({
    client,
    assert,
  }) => {
    await Alerts.raise('backup_failed', { error: 'disk full' })
    await Alerts.raise('worker_silent', { silent_minutes: 6 })
    await Alerts.resolve('worker_silent')
    await Alerts.raise('job_failed:csv_export', { job: 'csv_export' })

    const browser = new BrowserSession(client)
    await browser.signIn(OPERATOR, DEMO_PASSWORD)
    const home = await browser.get('/')
    assert.include(JSON.stringify(home.body().props), '"href":"/operator/alerts"')
    const page = await browser.get('/operator/alerts')
    page.assertStatus(200)
    page.assertInertiaComponent('operator/alerts')
    const { open, past } = page.body().props
    assert.deepEqual(
      open.map((alert: { label: string }) => alert.label),
      ['ジョブ「csv_export」が再試行のあとも失敗しました', 'バックアップに失敗しました']
    )
    assert.deepEqual(
      past.map((alert: { condition: string; resolvedAt: string | null }) => [
        alert.condition,
        alert.resolvedAt !== null,
      ]),
      [['worker_silent', true]]
    )
    assert.equal(open[1].scope, 'プラットフォーム全体')
  })

  test('nobody but operators may see the alerts', async ({ client }) => {
    for (const email of [ADMIN, 'hanako@example.jp']) {
      const browser = new BrowserSession(client)
      await browser.signIn(email, DEMO_PASSWORD)
      const page = await browser.get('/operator/alerts')
      page.assertStatus(403)
    }
    const anonymous = await client.get('/operator/alerts').redirects(0)
    anonymous.assertStatus(302)
  })
})
