import { randomUUID } from 'node:crypto'
import { test } from '@japa/runner'
import { DateTime } from 'luxon'
import app from '@adonisjs/core/services/app'
import testUtils from '@adonisjs/core/services/test_utils'
import db from '@adonisjs/lucid/services/db'
import LedgerEngine, { type GrantInput } from '#ledger/ledger_engine'
import LedgerVerifier from '#ledger/ledger_verifier'
import ExpiryReminders from '#ledger/expiry_reminders'
import { todayInJapan } from '#ledger/coupon_issuance'
import ExpireLotsJob from '#ledger/expire_lots_job'
import QueueManager, { nextScheduledRun } from '#queue/queue_manager'
import type { QueueConfig } from '#queue/types'
import queue from '#queue/queue'
import Resident from '#residents/resident'
import User from '#identity/user'
import { mailsSince, waitForMail } from '#tests/helpers/mailbox'
import { appUrl } from '#config/app'

const TODAY = '2026-05-01'
const NOTHING_SENT = { residents: 0, lots: 0, failed: 0 }
const ONE_LOT_SENT = { residents: 1, lots: 1, failed: 0 }

/**
 * A resident with an account of their own: the outbox is shared with other
 * test runs, so every test writes to an address nobody else uses.
 */
async function residentWithAccount(
  options: { locale?: string; verified?: boolean; fullName?: string } = {}
) {
  const hanako = await Resident.findByOrFail('residentNumber', 'MN-000101')
  const tag = randomUUID().slice(0, 8)
  const user = await User.create({
    email: `expiry-${tag}@example.test`,
    password: 'expiry-reminder-test',
    fullName: options.fullName ?? '期限 花子',
    preferredLocale: options.locale ?? 'ja',
    emailVerifiedAt: options.verified === false ? null : DateTime.now(),
  })
  const resident = await Resident.create({
    municipalityId: hanako.municipalityId,
    userId: user.id,
    residentNumber: `EX-${tag}`,
    familyName: '期限',
    givenName: '花子',
    familyNameKana: 'キゲン',
    givenNameKana: 'ハナコ',
  })
  return { user, resident }
}

async function grant(resident: Resident, overrides: Partial<GrantInput> = {}) {
  return LedgerEngine.grant({
    municipalityId: resident.municipalityId,
    residentId: resident.id,
    pluginId: 'sample_program',
    programCode: 'sample',
    definitionVersion: 'v1',
    services: ['visit'],
    validFrom: '2026-04-01',
    validTo: '2026-05-31',
    minutes: 150,
    ...overrides,
  })
}

async function remindersOf(lotId: number) {
  const rows = await db
    .from('ledger_expiry_reminders')
    .where('lot_id', lotId)
    .orderBy('days_before')
  return rows.map((row) => Number(row.days_before))
}

function plusDays(date: string, days: number) {
  return DateTime.fromISO(date).plus({ days }).toISODate()!
}

test.group('Expiry reminders', (group) => {
  group.each.setup(() => testUtils.db().withGlobalTransaction())

  test('30 days before the last day, a Japanese reader gets the lot in Japanese', async ({
    assert,
  }) => {
    const { user, resident } = await residentWithAccount()
    const lotId = await grant(resident, { validTo: '2026-05-31', minutes: 150 })
    const since = new Date()

    assert.deepEqual(await ExpiryReminders.send(TODAY), ONE_LOT_SENT)

    const message = await waitForMail(user.email, since)
    assert.equal(message.subject, '利用券の有効期限が近づいています')
    assert.include(message.text, '期限 花子 さん')
    assert.include(message.text, '・サンプル制度：残り 2.5 時間（有効期限 2026年5月31日）')
    assert.include(message.text, `${appUrl}/`)
    assert.deepEqual(await remindersOf(lotId), [30])

    const event = await db
      .from('audit_events')
      .where({ action: 'coupon.expiry_reminded', subject_resident_id: resident.id })
      .firstOrFail()
    assert.equal(event.source_channel, 'job')
    assert.deepEqual(JSON.parse(event.details), {
      reminders: [{ days_before: 30, lot_id: lotId }],
    })
    assert.notInclude(event.details, '花子')
  })

  test('an English reader gets the mail in English', async ({ assert }) => {
    const { user, resident } = await residentWithAccount({ locale: 'en', fullName: 'Kigen Hana' })
    await grant(resident, { validTo: '2026-05-20', minutes: 60 })
    const since = new Date()

    await ExpiryReminders.send(TODAY)

    const message = await waitForMail(user.email, since)
    assert.equal(message.subject, 'Your coupon hours expire soon')
    assert.include(message.text, 'Hello Kigen Hana,')
    assert.include(message.text, '- Sample program: 1 hour left (last day May 20, 2026)')
  })

  test('a reminder is sent once; the run after sends nothing', async ({ assert }) => {
    const { user, resident } = await residentWithAccount()
    await grant(resident)
    assert.deepEqual(await ExpiryReminders.send(TODAY), ONE_LOT_SENT)
    await waitForMail(user.email, new Date(0))

    assert.deepEqual(await ExpiryReminders.send(TODAY), NOTHING_SENT)
    assert.deepEqual(await ExpiryReminders.send(plusDays(TODAY, 1)), NOTHING_SENT)
    // Counted, not timed: the one mail is all the address ever got.
    assert.lengthOf(await mailsSince(user.email, new Date(0)), 1)
  })

  test('7 days before, a second reminder; then nothing more', async ({ assert }) => {
    const { user, resident } = await residentWithAccount()
    const lotId = await grant(resident, { validTo: '2026-05-31' })
    await ExpiryReminders.send(TODAY)
    await waitForMail(user.email, new Date(0))

    const weekBefore = '2026-05-24'
    assert.deepEqual(await ExpiryReminders.send(plusDays(weekBefore, -1)), NOTHING_SENT)
    const since = new Date()
    assert.deepEqual(await ExpiryReminders.send(weekBefore), ONE_LOT_SENT)
    const message = await waitForMail(user.email, since)
    assert.include(message.text, '有効期限 2026年5月31日')
    assert.deepEqual(await remindersOf(lotId), [7, 30])
    assert.deepEqual(await ExpiryReminders.send(plusDays(weekBefore, 3)), NOTHING_SENT)
  })

  test('when both thresholds are due at once, one mail settles both', async ({ assert }) => {
    const { user, resident } = await residentWithAccount()
    const lotId = await grant(resident, { validTo: plusDays(TODAY, 5) })

    assert.deepEqual(await ExpiryReminders.send(TODAY), ONE_LOT_SENT)
    const message = await waitForMail(user.email, new Date(0))
    assert.include(message.text, '有効期限 2026年5月6日')
    assert.deepEqual(await remindersOf(lotId), [7, 30])

    assert.deepEqual(await ExpiryReminders.send(plusDays(TODAY, 1)), NOTHING_SENT)
    assert.lengthOf(await mailsSince(user.email, new Date(0)), 1)
  })

  test('one mail per resident lists every lot due, nearest first', async ({ assert }) => {
    const { user, resident } = await residentWithAccount()
    const later = await grant(resident, { validTo: '2026-05-25', minutes: 120 })
    const sooner = await grant(resident, { validTo: '2026-05-06', minutes: 30 })
    const since = new Date()

    assert.deepEqual(await ExpiryReminders.send(TODAY), { residents: 1, lots: 2, failed: 0 })
    const message = await waitForMail(user.email, since)
    const soonerAt = message.text.indexOf('残り 0.5 時間（有効期限 2026年5月6日）')
    const laterAt = message.text.indexOf('残り 2 時間（有効期限 2026年5月25日）')
    assert.isAbove(soonerAt, -1)
    assert.isAbove(laterAt, soonerAt)
    assert.deepEqual(await remindersOf(sooner), [7, 30])
    assert.deepEqual(await remindersOf(later), [30])
  })

  test('lots far off, spent, expired or revoked, and residents without a verified account get nothing', async ({
    assert,
  }) => {
    const { user, resident } = await residentWithAccount()
    const farOff = await grant(resident, { validTo: plusDays(TODAY, 31) })
    const spent = await grant(resident)
    await db.from('ledger_lots').where('id', spent).update({ available_minutes: 0 })
    const expired = await grant(resident)
    await db.from('ledger_lots').where('id', expired).update({ status: 'expired' })
    const revoked = await grant(resident)
    await db.from('ledger_lots').where('id', revoked).update({ status: 'revoked' })

    const withoutAccount = await Resident.findByOrFail('residentNumber', 'MN-000103')
    assert.isNull(withoutAccount.userId)
    const noAccountLot = await grant(withoutAccount)
    const unverified = await residentWithAccount({ verified: false })
    const unverifiedLot = await grant(unverified.resident)
    const since = new Date()

    assert.deepEqual(await ExpiryReminders.send(TODAY), NOTHING_SENT)
    for (const lotId of [farOff, spent, expired, revoked, noAccountLot, unverifiedLot]) {
      assert.deepEqual(await remindersOf(lotId), [])
    }
    assert.lengthOf(await mailsSince(user.email, since), 0)
    assert.lengthOf(await mailsSince(unverified.user.email, since), 0)
  })

  test('the daily job expires a lapsed lot and keeps the ledger consistent', async ({ assert }) => {
    const { resident } = await residentWithAccount()
    const today = todayInJapan()
    const lapsed = await grant(resident, {
      validFrom: plusDays(today, -60),
      validTo: plusDays(today, -1),
      minutes: 180,
    })
    const current = await grant(resident, {
      validFrom: plusDays(today, -60),
      validTo: plusDays(today, 60),
      minutes: 120,
    })

    await new ExpireLotsJob().handle()

    const lot = await db.from('ledger_lots').where('id', lapsed).firstOrFail()
    assert.equal(lot.status, 'expired')
    assert.equal(Number(lot.available_minutes), 0)
    const expire = await db.from('ledger_entries').where({ lot_id: lapsed, kind: 'expire' }).first()
    assert.equal(Number(expire.delta_available), -180)
    const untouched = await db.from('ledger_lots').where('id', current).firstOrFail()
    assert.equal(untouched.status, 'active')
    assert.equal(Number(untouched.available_minutes), 120)
    assert.isNull(await LedgerVerifier.firstViolation())
  })

  test('the daily job reminds of lots lapsing soon', async ({ assert }) => {
    const { user, resident } = await residentWithAccount()
    const today = todayInJapan()
    const lotId = await grant(resident, {
      validFrom: plusDays(today, -10),
      validTo: plusDays(today, 20),
    })
    const since = new Date()

    await new ExpireLotsJob().handle()

    await waitForMail(user.email, since)
    assert.deepEqual(await remindersOf(lotId), [30])
  })
})

test.group('Expiry schedule', () => {
  test('the job is registered and scheduled daily at 00:10 in Japan', async ({ assert }) => {
    const config = app.config.get<QueueConfig>('queue')
    assert.isTrue(queue.hasJob(ExpireLotsJob.jobName))
    const { default: loaded } = await config.jobs[ExpireLotsJob.jobName]()
    assert.strictEqual(loaded, ExpireLotsJob)

    const schedule = config.schedules[ExpireLotsJob.jobName]
    assert.deepEqual(schedule, { pattern: '10 0 * * *', tz: 'Asia/Tokyo' })
    // 12:00 JST on 1 May: the next run is 00:10 JST on 2 May, whatever the host's zone.
    const next = nextScheduledRun(schedule, new Date('2026-05-01T03:00:00Z'))
    assert.equal(next.toISOString(), '2026-05-01T15:10:00.000Z')
  })

  test('the in-process driver installs the configured schedules', async ({ assert }) => {
    const logger = await app.container.make('logger')
    const config = app.config.get<QueueConfig>('queue')
    const inProcess = new QueueManager({ ...config, redis: null }, logger)
    try {
      await assert.doesNotReject(() => inProcess.startSchedules())
    } finally {
      await inProcess.close()
    }
  })
})
