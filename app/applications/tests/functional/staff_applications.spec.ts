import { test } from '@japa/runner'
import testUtils from '@adonisjs/core/services/test_utils'
import db from '@adonisjs/lucid/services/db'
import { createSecondTenant } from '#tests/helpers/tenants'
import { HOUR, residentWithChildren, type Household } from '#tests/helpers/programs'
import Application from '#applications/application'
import { chainKeyFor } from '#audit/audit_event_input'
import ProgramApplications from '#applications/program_applications'
import { latestEvent, signedIn } from '#tests/helpers/staff_console'

const STAFF_ROLES = ['admin@minato.example', 'staff@minato.example']
const OTHER_ROLES = ['owner@aozora.example', 'helper@aozora.example', 'hanako@example.jp']

/** A single parent of a first-grader who asked for home help */
async function homeHelpApplication() {
  const household = await residentWithChildren([{ birthDate: '2019-06-15' }])
  const application = await ProgramApplications.submit(
    household.municipality.id,
    household.resident.id,
    {
      pluginId: 'single_parent_home_help',
      programCode: 'home_help',
      answers: { reason: 'parent_illness', details: '入院のため家事ができません。' },
    }
  )
  return { household, application }
}

/** An expectant mother (due in 60 days) who asked for postpartum support */
async function postpartumApplication() {
  const due = new Date(Date.now() + 60 * 24 * 3_600_000).toISOString().slice(0, 10)
  const household = await residentWithChildren([{ dueDate: due }])
  const application = await ProgramApplications.submit(
    household.municipality.id,
    household.resident.id,
    {
      pluginId: 'postpartum_support',
      programCode: 'postpartum',
      childId: household.children[0].id,
      answers: { expecting: true, support_needed: ['housework', 'childcare'] },
    }
  )
  return { household, application, due }
}

async function statusOf(applicationId: number) {
  const application = await Application.findOrFail(applicationId)
  return application.status
}

async function lotsOf(household: Household) {
  return db.from('ledger_lots').where('resident_id', household.resident.id)
}

function japaneseDate(iso: string) {
  const [year, month, day] = iso.split('-').map(Number)
  return `${year}年${month}月${day}日`
}

test.group('Staff console: applications', (group) => {
  group.each.setup(() => testUtils.db().withGlobalTransaction())

  test('role matrix: staff open the queue and the review; others get 403', async ({
    client,
    assert,
  }) => {
    const { application } = await homeHelpApplication()
    for (const email of STAFF_ROLES) {
      const browser = await signedIn(client, email)
      const queue = await browser.get('/m/minato/applications')
      queue.assertStatus(200)
      queue.assertInertiaComponent('applications/staff/index')
      const review = await browser.get(`/m/minato/applications/${application.id}`)
      review.assertStatus(200)
      review.assertInertiaComponent('applications/staff/show')
    }
    for (const email of OTHER_ROLES) {
      const browser = await signedIn(client, email)
      for (const url of ['/m/minato/applications', `/m/minato/applications/${application.id}`]) {
        const response = await browser.get(url)
        response.assertStatus(403)
        response.assertInertiaComponent('http/error_status')
      }
      for (const action of ['approve', 'reject']) {
        await browser.get('/')
        // A refused form post goes back with the reason, as every form does.
        const response = await browser.post(`/m/minato/applications/${application.id}/${action}`, {
          units: 24,
          copayment_tier: 'I',
          reason: 'x',
        })
        response.assertStatus(302)
        const back = await browser.get('/')
        assert.equal(back.body().flash?.error, 'この操作を行う権限がありません。')
      }
    }
    const stored = await Application.findOrFail(application.id)
    assert.equal(stored.status, 'submitted')
    const denied = await db
      .from('audit_events')
      .where({ action: 'authz.denied', destination: 'tenant.applications.approve' })
    assert.lengthOf(denied, OTHER_ROLES.length)
  })

  test('the queue: submitted first by age, filtered by resident ID, and audited', async ({
    client,
    assert,
  }) => {
    const older = await homeHelpApplication()
    const newer = await postpartumApplication()
    const browser = await signedIn(client, 'staff@minato.example')

    const page = await browser.get('/m/minato/applications')
    const { applications, filters, programs } = page.body().props
    assert.equal(filters.status, 'submitted')
    const ids = applications.map((row: { id: number }) => row.id)
    assert.isBelow(ids.indexOf(older.application.id), ids.indexOf(newer.application.id))
    const row = applications.find((item: { id: number }) => item.id === newer.application.id)
    assert.equal(row.program, '産前産後家事・育児支援サービス')
    assert.equal(row.status.label, '審査待ち')
    assert.equal(row.child.label, `お子さま（出産予定日 ${japaneseDate(newer.due)}）`)
    assert.includeDeepMembers(programs, [
      { value: 'postpartum_support:postpartum', label: '産前産後家事・育児支援サービス' },
    ])

    const number = older.household.resident.residentNumber
    const filtered = await browser.get(`/m/minato/applications?resident=${number}`)
    assert.deepEqual(
      filtered.body().props.applications.map((item: { id: number }) => item.id),
      [older.application.id]
    )
    const listed = await latestEvent({ municipalityId: older.household.municipality.id })
    assert.equal(listed.action, 'application.listed')
    assert.equal(Number(listed.subject_resident_id), older.household.resident.id)
    assert.equal(listed.purpose, 'application_review')

    const byProgram = await browser.get(
      '/m/minato/applications?program=single_parent_home_help:home_help&status=all'
    )
    const programIds = byProgram.body().props.applications.map((item: { id: number }) => item.id)
    assert.include(programIds, older.application.id)
    assert.notInclude(programIds, newer.application.id)
  })

  test('a bad filter is explained in Japanese, never a 500', async ({ client, assert }) => {
    const browser = await signedIn(client, 'staff@minato.example')
    await browser.get('/m/minato/applications')
    const response = await browser.get('/m/minato/applications?status=lost&page=-1')
    response.assertStatus(302)
    const page = await browser.get('/m/minato/applications')
    assert.equal(page.body().props.errors.status, '状態の値が選択肢にありません。')
    assert.match(page.body().props.errors.page, /ページ/)
  })

  test('the review shows every answer by its label, dates in Japanese, and is audited', async ({
    client,
    assert,
  }) => {
    const { household, application, due } = await postpartumApplication()
    const browser = await signedIn(client, 'staff@minato.example')
    const page = await browser.get(`/m/minato/applications/${application.id}`)
    const props = page.body().props
    assert.equal(props.resident.residentNumber, household.resident.residentNumber)
    assert.equal(props.child.label, `お子さま（出産予定日 ${japaneseDate(due)}）`)
    assert.deepEqual(props.answers, [
      { key: 'expecting', label: '現在妊娠中です', value: 'はい' },
      { key: 'support_needed', label: '希望する支援', value: '家事、育児' },
      { key: 'notes', label: '伝えておきたいこと（任意）', value: null },
    ])
    assert.equal(props.preview.definition.name, '2024年度からの制度')
    assert.deepEqual(
      props.preview.windows.map((window: { hours: number }) => window.hours),
      [128, 48, 48]
    )
    assert.match(props.preview.windows[0].validTo, /^\d{4}年\d{1,2}月\d{1,2}日$/)
    assert.isNull(props.preview.amount)
    assert.isNull(props.preview.tiers)
    assert.notProperty(props.resident, 'phone')

    const viewed = await latestEvent({ municipalityId: household.municipality.id })
    assert.equal(viewed.action, 'application.viewed')
    assert.equal(Number(viewed.subject_resident_id), household.resident.id)
    assert.equal(viewed.destination, 'tenant.applications.show')

    await browser.put('/locale', { locale: 'en' })
    const english = await browser.get(`/m/minato/applications/${application.id}`)
    assert.deepEqual(english.body().props.answers[1], {
      key: 'support_needed',
      label: 'Support you would like',
      value: 'Housework and Childcare',
    })
  })

  test('single parent: the form asks for tickets and tier; approval grants them', async ({
    client,
    assert,
  }) => {
    const { household, application } = await homeHelpApplication()
    const browser = await signedIn(client, 'staff@minato.example')
    const url = `/m/minato/applications/${application.id}`
    const review = await browser.get(url)
    const { preview, answers } = review.body().props
    assert.deepEqual(preview.amount, { minimum: 24, maximum: 48 })
    assert.equal(preview.tiers[2].code, 'III')
    assert.equal(answers[0].value, '親の疾病')

    const approved = await browser.post(`${url}/approve`, { units: 30, copayment_tier: 'III' })
    approved.assertStatus(302)
    assert.equal(approved.header('location'), url)
    const after = await browser.get(url)
    assert.equal(after.body().props.application.status.code, 'approved')
    assert.equal(after.body().props.application.decidedBy, '子ども 家庭')
    assert.match(after.body().flash?.notice ?? '', /30 時間/)
    const lots = await lotsOf(household)
    assert.lengthOf(lots, 1)
    assert.equal(Number(lots[0].granted_minutes), 30 * HOUR)
    assert.equal(lots[0].copayment_tier, 'III')
    const event = await db
      .from('audit_events')
      .where({ action: 'application.approved', subject_resident_id: household.resident.id })
      .firstOrFail()
    assert.equal(event.actor_role, 'municipal_staff')
    assert.equal(event.destination, 'tenant.applications.approve')
  })

  test('postpartum: approval issues every open window of the default definition', async ({
    client,
    assert,
  }) => {
    const { household, application } = await postpartumApplication()
    const browser = await signedIn(client, 'admin@minato.example')
    await browser.get(`/m/minato/applications/${application.id}`)
    const response = await browser.post(`/m/minato/applications/${application.id}/approve`, {})
    response.assertStatus(302)
    const lots = await lotsOf(household)
    assert.sameMembers(
      lots.map((lot) => Number(lot.granted_minutes) / HOUR),
      [128, 48, 48]
    )
    assert.equal(await statusOf(application.id), 'approved')
  })

  test('a refusal is shown in the form, beside its field, and nothing changes', async ({
    client,
    assert,
  }) => {
    const { household, application } = await homeHelpApplication()
    const browser = await signedIn(client, 'staff@minato.example')
    const url = `/m/minato/applications/${application.id}`
    await browser.get(url)

    const tooFew = await browser.post(`${url}/approve`, { units: 10, copayment_tier: 'I' })
    tooFew.assertStatus(302)
    let page = await browser.get(url)
    assert.equal(
      page.body().props.errors.units,
      '発行する時間は24時間から48時間の範囲で指定してください。'
    )

    await browser.post(`${url}/approve`, { units: 24 })
    page = await browser.get(url)
    assert.equal(page.body().props.errors.copayment_tier, '自己負担の階層を選んでください。')

    await browser.post(`${url}/approve`, { units: 'many', copayment_tier: 'I' })
    page = await browser.get(url)
    assert.equal(page.body().props.errors.units, '交付する数は数字で入力してください。')

    assert.equal(await statusOf(application.id), 'submitted')
    assert.lengthOf(await lotsOf(household), 0)
  })

  test('a program-wide refusal (cap reached) is shown above the approve button', async ({
    client,
    assert,
  }) => {
    const { household, application } = await postpartumApplication()
    const browser = await signedIn(client, 'staff@minato.example')
    const url = `/m/minato/applications/${application.id}`
    await browser.get(url)
    await browser.post(`${url}/approve`, {})
    // A second application for the same child: its windows are already granted.
    const again = await ProgramApplications.submit(
      household.municipality.id,
      household.resident.id,
      {
        pluginId: 'postpartum_support',
        programCode: 'postpartum',
        childId: household.children[0].id,
        answers: { support_needed: ['housework'] },
      }
    )
    const againUrl = `/m/minato/applications/${again.id}`
    await browser.get(againUrl)
    await browser.post(`${againUrl}/approve`, {})
    const page = await browser.get(againUrl)
    assert.match(page.body().props.errors.approve, /^上限を超えるため発行できません/)
    assert.notProperty(page.body().props.errors, 'units')
    assert.equal(await statusOf(again.id), 'submitted')
    assert.lengthOf(await lotsOf(household), 3)
  })

  test('rejection needs a reason; the resident will see it', async ({ client, assert }) => {
    const { household, application } = await homeHelpApplication()
    const browser = await signedIn(client, 'staff@minato.example')
    const url = `/m/minato/applications/${application.id}`
    await browser.get(url)

    const empty = await browser.post(`${url}/reject`, { reason: '   ' })
    empty.assertStatus(302)
    let page = await browser.get(url)
    assert.equal(page.body().props.errors.reason, '却下の理由を入力してください。')

    await browser.post(`${url}/reject`, { reason: 'あ'.repeat(501) })
    page = await browser.get(url)
    assert.equal(page.body().props.errors.reason, '却下の理由は500文字以内で入力してください。')
    assert.equal(await statusOf(application.id), 'submitted')

    const rejected = await browser.post(`${url}/reject`, {
      reason: '収入の確認書類をお送りください。',
    })
    rejected.assertStatus(302)
    page = await browser.get(url)
    assert.equal(page.body().props.application.status.label, '却下')
    assert.equal(page.body().props.application.decisionReason, '収入の確認書類をお送りください。')
    assert.isNull(page.body().props.preview)
    const stored = await Application.findOrFail(application.id)
    assert.equal(stored.decisionReason, '収入の確認書類をお送りください。')
    const events = await db.from('audit_events').where({
      chain_key: chainKeyFor(household.municipality.id),
      subject_resident_id: household.resident.id,
      action: 'application.rejected',
    })
    assert.lengthOf(events, 1)
    assert.notInclude(events[0].details, '収入')
  })

  test('a second decision is refused with a clear message', async ({ client, assert }) => {
    const { household, application } = await homeHelpApplication()
    const first = await signedIn(client, 'staff@minato.example')
    const second = await signedIn(client, 'admin@minato.example')
    const url = `/m/minato/applications/${application.id}`
    await first.get(url)
    await second.get(url)
    await first.post(`${url}/approve`, { units: 24, copayment_tier: 'I' })
    const late = await second.post(`${url}/reject`, { reason: '対象外です' })
    late.assertStatus(302)
    const page = await second.get(url)
    assert.equal(page.body().flash?.error, 'この申請はすでに処理されています（承認済み）。')
    assert.equal(page.body().props.application.status.code, 'approved')
    assert.lengthOf(await lotsOf(household), 1)
  })

  test("another municipality's application is 404, from either side", async ({
    client,
    assert,
  }) => {
    const { application } = await homeHelpApplication()
    const { municipality, admin } = await createSecondTenant()
    const intruder = await signedIn(client, admin.email)
    for (const url of [
      `/m/minato/applications/${application.id}`,
      `/m/shinjuku/applications/${application.id}`,
    ]) {
      const response = await intruder.get(url)
      response.assertStatus(404)
    }
    await intruder.get('/m/shinjuku/applications')
    const post = await intruder.post(`/m/shinjuku/applications/${application.id}/approve`, {
      units: 24,
      copayment_tier: 'I',
    })
    post.assertStatus(404)
    const reject = await intruder.post(`/m/shinjuku/applications/${application.id}/reject`, {
      reason: '対象外です',
    })
    reject.assertStatus(404)
    assert.equal(await statusOf(application.id), 'submitted')
    const shinjukuQueue = await intruder.get('/m/shinjuku/applications?status=all')
    assert.lengthOf(shinjukuQueue.body().props.applications, 0)
    assert.isAbove(municipality.id, 0)
  })
})
