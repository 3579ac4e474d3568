import { randomUUID } from 'node:crypto'
import { test } from '@japa/runner'
import { DateTime } from 'luxon'
import testUtils from '@adonisjs/core/services/test_utils'
import db from '@adonisjs/lucid/services/db'
import mail from '@adonisjs/mail/services/main'
import ProgramApplications from '#applications/program_applications'
import ApplicationRefusal from '#applications/application_refusal'
import GrantNotices from '#coupons/grant_notices'
import Application from '#applications/application'
import User from '#identity/user'
import LedgerRefusal from '#ledger/ledger_refusal'
import { chainKeyFor } from '#audit/audit_event_input'
import { mailsSince, linkIn, waitForMail } from '#tests/helpers/mailbox'
import { HOUR, residentWithChildren, staffOf, type Household } from '#tests/helpers/programs'
import {
  EXPECTING,
  HOME_HELP_PROGRAM as homeHelp,
  POSTPARTUM_PROGRAM as postpartum,
  SINGLE_PARENT,
  applyHomeHelp,
  applyPostpartum,
  failureOf,
  statusOf,
} from '#tests/helpers/program_applications'

const ISSUE_DATE = '2026-10-01'

type Reader = { locale?: 'ja' | 'en'; linked?: boolean }

/**
 * A household whose resident has their own verified account (unless
 * `linked: false`). The outbox is shared with other test runs: every test
 * writes to an address nobody else uses.
 */
async function household(children: Parameters<typeof residentWithChildren>[0], reader: Reader) {
  const made = await residentWithChildren(children)
  if (reader.linked === false) return { ...made, email: null }
  const email = `notice-${randomUUID().slice(0, 8)}@example.test`
  const user = await User.create({
    email,
    password: 'resident-notice-test',
    fullName: reader.locale === 'en' ? 'Hana Shiken' : '試験 花子',
    preferredLocale: reader.locale ?? 'ja',
    emailVerifiedAt: DateTime.now(),
  })
  made.resident.userId = user.id
  await made.resident.save()
  return { ...made, email }
}

async function expecting(reader: Reader = {}) {
  return household(EXPECTING, reader)
}

async function singleParent(reader: Reader = {}) {
  return household(SINGLE_PARENT, reader)
}

/** As the resident acts in their own pages */
function residentAction(home: Household) {
  return {
    actorUserId: home.resident.userId,
    actorRole: 'resident',
    source: { channel: 'web' as const, ip: '192.0.2.20' },
  }
}

test.group('Application notices', (group) => {
  group.each.setup(() => testUtils.db().withGlobalTransaction())

  test('approval: one mail in Japanese that the coupons were issued, no second grant mail', async ({
    assert,
  }) => {
    const home = await expecting()
    const application = await applyPostpartum(home)
    const since = new Date()
    await ProgramApplications.approve(
      home.municipality.id,
      application.id,
      { issueDate: ISSUE_DATE },
      await staffOf(home.municipality)
    )
    const message = await waitForMail(home.email!, since)
    assert.equal(message.subject, '申し込みが承認されました')
    assert.include(message.text, '試験 花子 さん')
    assert.include(message.text, '「産前産後家事・育児支援サービス」の申し込みが承認され')
    assert.equal(linkIn(message), '/')
    const all = await mailsSince(home.email!, since)
    assert.deepEqual(
      all.map((mailed) => mailed.subject),
      ['申し込みが承認されました']
    )
  })

  test('rejection: the reason, in English for an English reader, linking the application', async ({
    assert,
  }) => {
    const home = await singleParent({ locale: 'en' })
    const application = await applyHomeHelp(home)
    const since = new Date()
    await ProgramApplications.reject(
      home.municipality.id,
      application.id,
      '所得の確認書類をご提出ください。',
      await staffOf(home.municipality)
    )
    const message = await waitForMail(home.email!, since)
    assert.equal(message.subject, 'About your application')
    assert.include(message.text, 'Dear Hana Shiken,')
    assert.include(message.text, 'Your application to "Single-parent home help"')
    assert.include(message.text, 'Reason: 所得の確認書類をご提出ください。')
    assert.equal(linkIn(message), `/m/minato/my/applications/${application.id}`)
  })

  test('a refused approval or rejection sends nothing', async ({ assert }) => {
    const home = await singleParent()
    const application = await applyHomeHelp(home)
    const by = await staffOf(home.municipality)
    const since = new Date()
    const tooFew = await failureOf(() =>
      ProgramApplications.approve(
        home.municipality.id,
        application.id,
        { minutes: 10 * HOUR, copaymentTier: 'I', issueDate: ISSUE_DATE },
        by
      )
    )
    assert.instanceOf(tooFew, LedgerRefusal)
    const empty = await failureOf(() =>
      ProgramApplications.reject(home.municipality.id, application.id, ' ', by)
    )
    assert.instanceOf(empty, ApplicationRefusal)
    assert.lengthOf(await mailsSince(home.email!, since), 0)
  })

  test('a grant rolled back after its notice was queued sends nothing', async ({ assert }) => {
    const home = await singleParent()
    const since = new Date()
    const failure = await failureOf(() =>
      db.transaction(async (trx) => {
        await GrantNotices.send(
          home.resident.id,
          homeHelp,
          [
            {
              lotId: 1,
              windowKey: 'fiscal_year',
              definitionVersion: '2024-04',
              minutes: 24 * HOUR,
              validFrom: '2026-10-01',
              validTo: '2027-03-31',
            },
          ],
          trx
        )
        throw new Error('the work after the notice failed')
      })
    )
    assert.equal(failure.message, 'the work after the notice failed')
    assert.lengthOf(await mailsSince(home.email!, since), 0)
  })

  test('a resident without a linked account gets no mail', async () => {
    const home = await singleParent({ linked: false })
    const fake = mail.fake()
    try {
      const application = await applyHomeHelp(home)
      const by = await staffOf(home.municipality)
      await ProgramApplications.reject(home.municipality.id, application.id, '対象外です', by)
      await GrantNotices.issue(
        {
          ...homeHelp,
          municipalityId: home.municipality.id,
          residentId: home.resident.id,
          minutes: 24 * HOUR,
          copaymentTier: 'I',
          issueDate: ISSUE_DATE,
        },
        by
      )
      fake.mails.assertNoneQueued()
      fake.mails.assertNoneSent()
    } finally {
      mail.restore()
    }
  })
})

test.group('Grant notices: hours staff issue directly', (group) => {
  group.each.setup(() => testUtils.db().withGlobalTransaction())

  test('program, hours and last day, in Japanese', async ({ assert }) => {
    const home = await expecting()
    const since = new Date()
    const lots = await GrantNotices.issue(
      {
        ...postpartum,
        municipalityId: home.municipality.id,
        residentId: home.resident.id,
        childId: home.children[0].id,
        issueDate: ISSUE_DATE,
      },
      await staffOf(home.municipality)
    )
    assert.lengthOf(lots, 3)
    const message = await waitForMail(home.email!, since)
    assert.equal(message.subject, '利用券が発行されました')
    assert.include(
      message.text,
      '「産前産後家事・育児支援サービス」の利用券（224 時間、有効期限 2029年11月30日）が発行されました。'
    )
    assert.equal(linkIn(message), '/')
  })

  test('in English for an English reader', async ({ assert }) => {
    const home = await singleParent({ locale: 'en' })
    const since = new Date()
    await GrantNotices.issue(
      {
        ...homeHelp,
        municipalityId: home.municipality.id,
        residentId: home.resident.id,
        minutes: 30 * HOUR,
        copaymentTier: 'II',
        issueDate: ISSUE_DATE,
      },
      await staffOf(home.municipality)
    )
    const message = await waitForMail(home.email!, since)
    assert.equal(message.subject, 'Coupons issued')
    assert.include(message.text, 'Coupons for "Single-parent home help" (30 hours, valid until')
    assert.match(message.text, /March 31, 2027|31 March 2027/)
  })

  test('a refused grant issues nothing and mails nothing', async ({ assert }) => {
    const home = await singleParent()
    const by = await staffOf(home.municipality)
    const since = new Date()
    const refusal = await failureOf(() =>
      GrantNotices.issue(
        {
          ...homeHelp,
          municipalityId: home.municipality.id,
          residentId: home.resident.id,
          minutes: 60 * HOUR,
          copaymentTier: 'I',
          issueDate: ISSUE_DATE,
        },
        by
      )
    )
    assert.instanceOf(refusal, LedgerRefusal)
    assert.lengthOf(await db.from('ledger_lots').where('resident_id', home.resident.id), 0)
    assert.lengthOf(await mailsSince(home.email!, since), 0)
  })
})

test.group('Withdrawing an application', (group) => {
  group.each.setup(() => testUtils.db().withGlobalTransaction())

  test('the resident withdraws a submitted application, audited; then may apply again', async ({
    assert,
  }) => {
    const home = await singleParent()
    const application = await applyHomeHelp(home)
    await ProgramApplications.withdraw(
      home.municipality.id,
      home.resident.id,
      application.id,
      residentAction(home)
    )
    const stored = await Application.findOrFail(application.id)
    assert.equal(stored.status, 'withdrawn')
    assert.isNotNull(stored.decidedAt)
    assert.equal(stored.decidedByUserId, home.resident.userId)
    const event = await db
      .from('audit_events')
      .where({ chain_key: chainKeyFor(home.municipality.id), action: 'application.withdrawn' })
      .orderBy('sequence', 'desc')
      .first()
    assert.equal(Number(event.subject_resident_id), home.resident.id)
    assert.equal(event.actor_role, 'resident')
    assert.deepEqual(JSON.parse(event.details), {
      application_id: application.id,
      plugin_id: 'single_parent_home_help',
      program_code: 'home_help',
    })
    await applyHomeHelp(home)
  })

  test('a decided one, or another resident’s, is refused and unchanged', async ({ assert }) => {
    const home = await singleParent()
    const neighbour = await singleParent()
    const application = await applyHomeHelp(home)
    const theirs = await applyHomeHelp(neighbour)
    await ProgramApplications.reject(
      home.municipality.id,
      application.id,
      '対象外です',
      await staffOf(home.municipality)
    )
    const decided = (await failureOf(() =>
      ProgramApplications.withdraw(
        home.municipality.id,
        home.resident.id,
        application.id,
        residentAction(home)
      )
    )) as ApplicationRefusal
    assert.equal(decided.code, 'already_decided')
    assert.equal(decided.values.status, 'rejected')
    const notMine = (await failureOf(() =>
      ProgramApplications.withdraw(
        home.municipality.id,
        home.resident.id,
        theirs.id,
        residentAction(home)
      )
    )) as ApplicationRefusal
    assert.equal(notMine.code, 'not_found')
    assert.equal(await statusOf(application.id), 'rejected')
    assert.equal(await statusOf(theirs.id), 'submitted')
  })
})

test.group('Withdrawing while staff decide', (group) => {
  const created: number[] = []
  group.each.teardown(async () => {
    const lots = db.from('ledger_lots').whereIn('resident_id', created).select('id')
    await db.from('ledger_entries').whereIn('lot_id', lots).delete()
    await db.from('ledger_lots').whereIn('resident_id', created).delete()
    await db.from('applications').whereIn('resident_id', created).delete()
    await db.from('children').whereIn('resident_id', created).delete()
    const owners = await db.from('residents').whereIn('id', created).select('user_id')
    const users = owners.map((row) => row.user_id).filter((id) => id !== null)
    await db.from('residents').whereIn('id', created).delete()
    await db.from('users').whereIn('id', users).delete()
    created.length = 0
  })

  test('withdrawal and approval at the same moment: exactly one stands', async ({ assert }) => {
    const home = await expecting()
    created.push(home.resident.id)
    const application = await applyPostpartum(home)
    const since = new Date()
    const outcomes = await Promise.allSettled([
      ProgramApplications.withdraw(
        home.municipality.id,
        home.resident.id,
        application.id,
        residentAction(home)
      ),
      ProgramApplications.approve(
        home.municipality.id,
        application.id,
        { issueDate: ISSUE_DATE },
        await staffOf(home.municipality)
      ),
    ])
    const won = outcomes.filter((outcome) => outcome.status === 'fulfilled')
    assert.lengthOf(won, 1)
    const lost = outcomes.find((outcome) => outcome.status === 'rejected') as PromiseRejectedResult
    assert.instanceOf(lost.reason, ApplicationRefusal)
    assert.equal(lost.reason.code, 'already_decided')

    const stored = await Application.findOrFail(application.id)
    const lots = await db.from('ledger_lots').where('resident_id', home.resident.id)
    const mails = await mailsSince(home.email!, since)
    if (stored.status === 'approved') {
      assert.lengthOf(lots, 3)
      assert.lengthOf(mails, 1)
    } else {
      assert.equal(stored.status, 'withdrawn')
      assert.lengthOf(lots, 0)
      assert.lengthOf(mails, 0)
    }
  }).timeout(30_000)
})
