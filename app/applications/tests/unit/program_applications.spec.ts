import { test } from '@japa/runner'
import testUtils from '@adonisjs/core/services/test_utils'
import db from '@adonisjs/lucid/services/db'
import i18nManager from '@adonisjs/i18n/services/main'
import { errors as vineErrors } from '@vinejs/vine'
import ProgramApplications from '#applications/program_applications'
import ApplicationRefusal from '#applications/application_refusal'
import { seedDemoApplications } from '#database/demo_applications'
import Application from '#applications/application'
import Resident from '#residents/resident'
import LedgerRefusal from '#ledger/ledger_refusal'
import LedgerVerifier from '#ledger/ledger_verifier'
import { chainKeyFor } from '#audit/audit_event_input'
import { createSecondTenant } from '#tests/helpers/tenants'
import { HOUR, residentWithChildren, staffOf, type Household } from '#tests/helpers/programs'
import {
  EXPECTING,
  HOME_HELP_PROGRAM as homeHelp,
  POSTPARTUM_PROGRAM as postpartum,
  SINGLE_PARENT,
  applyHomeHelp,
  applyPostpartum,
  failureOf,
  postpartumAnswers,
  statusOf,
} from '#tests/helpers/program_applications'

const ISSUE_DATE = '2026-10-01'

async function expecting() {
  return residentWithChildren(EXPECTING)
}

async function singleParent() {
  return residentWithChildren(SINGLE_PARENT)
}

async function lotsOf(household: Household) {
  return db.from('ledger_lots').where('resident_id', household.resident.id).orderBy('valid_from')
}

async function auditActions(household: Household) {
  const rows = await db
    .from('audit_events')
    .where({
      chain_key: chainKeyFor(household.municipality.id),
      subject_resident_id: household.resident.id,
    })
    .orderBy('sequence')
  return rows.map((row) => row.action)
}

test.group('Program applications: submit', (group) => {
  group.each.setup(() => testUtils.db().withGlobalTransaction())

  test('answers are checked against the plugin form and stored as validated', async ({
    assert,
  }) => {
    const household = await singleParent()
    const missing = await failureOf(() =>
      ProgramApplications.submit(household.municipality.id, household.resident.id, {
        ...homeHelp,
        answers: { reason: 'holiday', details: '' },
      })
    )
    assert.instanceOf(missing, vineErrors.E_VALIDATION_ERROR)
    const fields = (missing as any).messages.map((message: { field: string }) => message.field)
    assert.sameMembers(fields, ['reason', 'details'])
    assert.lengthOf(await Application.query().where('resident_id', household.resident.id), 0)

    const application = await ProgramApplications.submit(
      household.municipality.id,
      household.resident.id,
      { ...homeHelp, answers: { reason: 'work', details: '  夜勤があります  ', extra: 'x' } }
    )
    const stored = await Application.findOrFail(application.id)
    assert.equal(stored.status, 'submitted')
    assert.deepEqual(stored.answers, { reason: 'work', details: '夜勤があります' })
    assert.deepEqual(await auditActions(household), ['application.submitted'])
  })

  test('a program the municipality has not enabled is refused', async ({ assert }) => {
    const { municipality } = await createSecondTenant()
    const household = await residentWithChildren([{ birthDate: '2019-06-15' }], municipality)
    const refusal = await failureOf(() => applyHomeHelp(household))
    assert.instanceOf(refusal, LedgerRefusal)
    assert.equal((refusal as LedgerRefusal).code, 'program_not_enabled')
    assert.lengthOf(await Application.query().where('resident_id', household.resident.id), 0)
  })

  test("another resident's child is refused", async ({ assert }) => {
    const household = await expecting()
    const neighbour = await expecting()
    const refusal = await failureOf(() =>
      ProgramApplications.submit(household.municipality.id, household.resident.id, {
        ...postpartum,
        childId: neighbour.children[0].id,
        answers: postpartumAnswers,
      })
    )
    assert.equal((refusal as LedgerRefusal).code, 'child_not_found')
  })

  test('one open application per resident and program', async ({ assert }) => {
    const household = await singleParent()
    const first = await applyHomeHelp(household)
    const refusal = await failureOf(() => applyHomeHelp(household))
    assert.instanceOf(refusal, ApplicationRefusal)
    assert.equal((refusal as ApplicationRefusal).code, 'already_open')
    assert.equal(
      (refusal as ApplicationRefusal).translate(i18nManager.locale('ja')),
      'この制度への申請がすでに審査中です。'
    )
    // Once decided, the resident may apply again.
    await ProgramApplications.reject(
      household.municipality.id,
      first.id,
      '書類が足りません',
      await staffOf(household.municipality)
    )
    await applyHomeHelp(household)
  })
})

test.group('Program applications: decisions', (group) => {
  group.each.setup(() => testUtils.db().withGlobalTransaction())

  test("approval issues the program's default grant in the same transaction", async ({
    assert,
  }) => {
    const household = await expecting()
    const application = await applyPostpartum(household)
    const by = await staffOf(household.municipality)
    const { lots } = await ProgramApplications.approve(
      household.municipality.id,
      application.id,
      { issueDate: ISSUE_DATE },
      by
    )
    assert.lengthOf(lots, 3)

    const rows = await lotsOf(household)
    assert.deepEqual(
      rows.map((row) => [Number(row.granted_minutes) / HOUR, row.valid_from, row.valid_to]),
      [
        [128, '2026-10-01', '2027-11-30'],
        [48, '2027-12-01', '2028-11-30'],
        [48, '2028-12-01', '2029-11-30'],
      ]
    )
    assert.isTrue(rows.every((row) => Number(row.child_id) === household.children[0].id))

    const stored = await Application.findOrFail(application.id)
    assert.equal(stored.status, 'approved')
    assert.equal(stored.decidedByUserId, by.actorUserId)
    assert.isNotNull(stored.decidedAt)
    assert.deepEqual(await auditActions(household), [
      'application.submitted',
      'coupon.issued',
      'application.approved',
    ])
    const approved = await db
      .from('audit_events')
      .where({ chain_key: chainKeyFor(household.municipality.id), action: 'application.approved' })
      .orderBy('sequence', 'desc')
      .first()
    const details = JSON.parse(approved.details)
    assert.equal(details.application_id, application.id)
    assert.equal(details.minutes, 224 * HOUR)
    assert.isNull(await LedgerVerifier.firstViolation())
  })

  test('single parent: staff choose the tickets within 24–48 and the co-payment tier', async ({
    assert,
  }) => {
    const household = await singleParent()
    const application = await applyHomeHelp(household)
    await ProgramApplications.approve(
      household.municipality.id,
      application.id,
      { minutes: 30 * HOUR, copaymentTier: 'II', issueDate: ISSUE_DATE },
      await staffOf(household.municipality)
    )
    const [lot, ...others] = await lotsOf(household)
    assert.lengthOf(others, 0)
    assert.equal(Number(lot.granted_minutes), 30 * HOUR)
    assert.equal(lot.copayment_tier, 'II')
    assert.equal(lot.valid_to, '2027-03-31')
  })

  test('a refusal leaves the application submitted and issues nothing', async ({ assert }) => {
    const household = await singleParent()
    const application = await applyHomeHelp(household)
    const by = await staffOf(household.municipality)
    const approve = (options: Record<string, unknown>) =>
      failureOf(() =>
        ProgramApplications.approve(
          household.municipality.id,
          application.id,
          { issueDate: ISSUE_DATE, ...options },
          by
        )
      )

    const tooFew = (await approve({ minutes: 10 * HOUR, copaymentTier: 'I' })) as LedgerRefusal
    assert.equal(tooFew.code, 'below_minimum')
    assert.equal(
      tooFew.translate(i18nManager.locale('ja')),
      '発行する時間は24時間から48時間の範囲で指定してください。'
    )
    assert.equal(
      ((await approve({ minutes: 30 * HOUR })) as LedgerRefusal).code,
      'copayment_tier_required'
    )
    assert.equal(
      ((await approve({ minutes: 50 * HOUR, copaymentTier: 'I' })) as LedgerRefusal).code,
      'cap_exceeded'
    )

    const stored = await Application.findOrFail(application.id)
    assert.equal(stored.status, 'submitted')
    assert.isNull(stored.decidedAt)
    assert.lengthOf(await lotsOf(household), 0)
    assert.deepEqual(await auditActions(household), ['application.submitted'])
  })

  test('a child without dates is refused at approval, nothing issued', async ({ assert }) => {
    const household = await residentWithChildren([{}])
    const application = await applyPostpartum(household)
    const by = await staffOf(household.municipality)
    const refusal = await failureOf(() =>
      ProgramApplications.approve(
        household.municipality.id,
        application.id,
        { issueDate: ISSUE_DATE },
        by
      )
    )
    assert.equal((refusal as LedgerRefusal).code, 'child_dates_missing')
    assert.equal(await statusOf(application.id), 'submitted')
  })

  test('rejection needs a reason of 1–500 characters, kept for the resident', async ({
    assert,
  }) => {
    const household = await singleParent()
    const application = await applyHomeHelp(household)
    const by = await staffOf(household.municipality)
    const reject = (reason: string) =>
      ProgramApplications.reject(household.municipality.id, application.id, reason, by)

    assert.equal(
      ((await failureOf(() => reject(''))) as ApplicationRefusal).code,
      'reason_required'
    )
    assert.equal(
      ((await failureOf(() => reject('   '))) as ApplicationRefusal).code,
      'reason_required'
    )
    assert.equal(
      ((await failureOf(() => reject('あ'.repeat(501)))) as ApplicationRefusal).code,
      'reason_too_long'
    )
    assert.equal(await statusOf(application.id), 'submitted')

    await reject(' 所得の確認書類をご提出ください。 ')
    const stored = await Application.findOrFail(application.id)
    assert.equal(stored.status, 'rejected')
    assert.equal(stored.decisionReason, '所得の確認書類をご提出ください。')
    assert.lengthOf(await lotsOf(household), 0)
    assert.deepEqual(await auditActions(household), [
      'application.submitted',
      'application.rejected',
    ])
  })

  test('a decision is taken once', async ({ assert }) => {
    const household = await singleParent()
    const application = await applyHomeHelp(household)
    const by = await staffOf(household.municipality)
    await ProgramApplications.reject(household.municipality.id, application.id, '対象外です', by)
    const again = (await failureOf(() =>
      ProgramApplications.approve(
        household.municipality.id,
        application.id,
        { minutes: 24 * HOUR, copaymentTier: 'I', issueDate: ISSUE_DATE },
        by
      )
    )) as ApplicationRefusal
    assert.equal(again.code, 'already_decided')
    assert.equal(
      again.translate(i18nManager.locale('ja')),
      'この申請はすでに処理されています（却下）。'
    )
    assert.lengthOf(await lotsOf(household), 0)
  })

  test("another municipality cannot decide Minato's application", async ({ assert }) => {
    const household = await singleParent()
    const application = await applyHomeHelp(household)
    const { municipality: other } = await createSecondTenant()
    const by = await staffOf(other)
    const approve = (await failureOf(() =>
      ProgramApplications.approve(
        other.id,
        application.id,
        { minutes: 24 * HOUR, copaymentTier: 'I', issueDate: ISSUE_DATE },
        by
      )
    )) as ApplicationRefusal
    assert.equal(approve.code, 'not_found')
    const reject = (await failureOf(() =>
      ProgramApplications.reject(other.id, application.id, 'x', by)
    )) as ApplicationRefusal
    assert.equal(reject.code, 'not_found')
    assert.equal(await statusOf(application.id), 'submitted')
    assert.lengthOf(await lotsOf(household), 0)
    await assert.rejects(() => ProgramApplications.find(other.id, application.id))
  })

  test('the queue: submitted oldest first, filtered by program and resident ID', async ({
    assert,
  }) => {
    const first = await singleParent()
    const second = await expecting()
    const a = await applyHomeHelp(first)
    const b = await applyPostpartum(second)
    const municipalityId = first.municipality.id

    const queue = await ProgramApplications.queue(municipalityId)
    const ids = queue.all().map((application) => application.id)
    assert.isBelow(ids.indexOf(a.id), ids.indexOf(b.id))

    const byProgram = await ProgramApplications.queue(municipalityId, {
      program: 'postpartum_support:postpartum',
    })
    assert.include(
      byProgram.all().map((application) => application.id),
      b.id
    )
    assert.notInclude(
      byProgram.all().map((application) => application.id),
      a.id
    )
    const resident = await Resident.findOrFail(first.resident.id)
    const byResident = await ProgramApplications.queue(municipalityId, {
      resident: resident.residentNumber,
    })
    assert.deepEqual(
      byResident.all().map((application) => application.id),
      [a.id]
    )
    const approved = await ProgramApplications.queue(municipalityId, { status: 'approved' })
    assert.lengthOf(approved.all(), 0)
  })
})

test.group('Program applications: demo data', (group) => {
  group.each.setup(() => testUtils.db().withGlobalTransaction())

  test('the demo queue holds two applications, seeded once however often it runs', async ({
    assert,
  }) => {
    await seedDemoApplications()
    await seedDemoApplications()
    const minato = await Resident.findByOrFail('residentNumber', 'MN-000103')
    const queue = await ProgramApplications.queue(minato.municipalityId)
    const demo = queue
      .all()
      .filter((application) =>
        ['MN-000103', 'MN-000104'].includes(application.resident.residentNumber)
      )
    assert.sameMembers(
      demo.map((application) => application.pluginId),
      ['single_parent_home_help', 'postpartum_support']
    )
    const preview = await ProgramApplications.grantPreview(
      minato.municipalityId,
      demo.find((application) => application.pluginId === 'single_parent_home_help')!
    )
    assert.deepEqual(preview.amount, {
      minimumMinutes: 24 * HOUR,
      maximumMinutes: 48 * HOUR,
      stepMinutes: HOUR,
    })
  })
})

test.group('Program applications: two staff deciding at once', (group) => {
  const created: number[] = []
  group.each.teardown(async () => {
    const lots = db.from('ledger_lots').whereIn('resident_id', created).select('id')
    await db.from('ledger_entries').whereIn('lot_id', lots).delete()
    await db.from('ledger_lots').whereIn('resident_id', created).delete()
    await db.from('applications').whereIn('resident_id', created).delete()
    // No rows left behind that would keep the test database from rolling back.
    await db.from('children').whereIn('resident_id', created).delete()
    await db.from('residents').whereIn('id', created).delete()
    created.length = 0
  })

  test('two approvals at the same moment: exactly one wins, the grant is issued once', async ({
    assert,
  }) => {
    const household = await expecting()
    created.push(household.resident.id)
    const application = await applyPostpartum(household)
    const by = await staffOf(household.municipality)

    const outcomes = await Promise.allSettled(
      Array.from({ length: 2 }, () =>
        ProgramApplications.approve(
          household.municipality.id,
          application.id,
          { issueDate: ISSUE_DATE },
          by
        )
      )
    )
    const won = outcomes.filter((outcome) => outcome.status === 'fulfilled')
    const lost = outcomes.filter((outcome) => outcome.status === 'rejected')
    assert.lengthOf(won, 1)
    assert.lengthOf(lost, 1)
    const refusal = (lost[0] as PromiseRejectedResult).reason
    assert.instanceOf(refusal, ApplicationRefusal)
    assert.equal(refusal.code, 'already_decided')

    const rows = await lotsOf(household)
    assert.lengthOf(rows, 3)
    assert.equal(
      rows.reduce((total, row) => total + Number(row.granted_minutes), 0),
      224 * HOUR
    )
    assert.equal(await statusOf(application.id), 'approved')
    assert.isNull(await LedgerVerifier.firstViolation())
  }).timeout(30_000)

  test('approval and rejection at the same moment: exactly one decision stands', async ({
    assert,
  }) => {
    const household = await singleParent()
    created.push(household.resident.id)
    const application = await applyHomeHelp(household)
    const by = await staffOf(household.municipality)

    const outcomes = await Promise.allSettled([
      ProgramApplications.approve(
        household.municipality.id,
        application.id,
        { minutes: 24 * HOUR, copaymentTier: 'I', issueDate: ISSUE_DATE },
        by
      ),
      ProgramApplications.reject(household.municipality.id, application.id, '対象外です', by),
    ])
    assert.lengthOf(
      outcomes.filter((outcome) => outcome.status === 'fulfilled'),
      1
    )
    const stored = await Application.findOrFail(application.id)
    const lots = await lotsOf(household)
    assert.lengthOf(lots, stored.status === 'approved' ? 1 : 0)
  }).timeout(30_000)
})
