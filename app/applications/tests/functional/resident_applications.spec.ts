import { test } from '@japa/runner'
import { todayInJapan } from '#ledger/coupon_issuance'
import ResidentCoupons from '#ledger/resident_coupons'
import testUtils from '@adonisjs/core/services/test_utils'
import db from '@adonisjs/lucid/services/db'
import { DateTime } from 'luxon'
import Application from '#applications/application'
import Child from '#residents/child'
import Resident from '#residents/resident'
import User from '#identity/user'
import ProgramApplications from '#applications/program_applications'
import { createSecondTenant } from '#tests/helpers/tenants'
import { minato, residentWithChildren, staffOf } from '#tests/helpers/programs'
import { latestEvent, signedIn } from '#tests/helpers/staff_console'

const OTHER_ROLES = [
  'admin@minato.example',
  'staff@minato.example',
  'owner@aozora.example',
  'helper@aozora.example',
]
const APPLY = '/m/minato/my/apply'
const POSTPARTUM_FORM = `${APPLY}/postpartum_support/postpartum`
const HOME_HELP_FORM = `${APPLY}/single_parent_home_help/home_help`
const postpartumAnswers = { expecting: true, support_needed: ['housework', 'childcare'] }

async function hanako() {
  const city = await minato()
  return Resident.findByOrFail({ municipalityId: city.id, residentNumber: 'MN-000101' })
}

/** Hanako expecting a child in 60 days */
async function hanakoExpecting() {
  const resident = await hanako()
  const due = new Date(Date.now() + 60 * 24 * 3_600_000).toISOString().slice(0, 10)
  const child = await Child.create({
    municipalityId: resident.municipalityId,
    residentId: resident.id,
    givenName: 'さくら',
    dueDate: due,
    multipleBirth: false,
  })
  return { resident, child }
}

async function applicationsOf(residentId: number) {
  return Application.query().where('resident_id', residentId).orderBy('id')
}

async function statusOf(applicationId: number) {
  const application = await Application.findOrFail(applicationId)
  return application.status
}

async function lastAction() {
  const event = await latestEvent()
  return event.action
}

/** A fresh request's props (after a redirect, the flash and errors are there) */
async function propsOf(browser: Awaited<ReturnType<typeof signedIn>>, url: string) {
  const page = await browser.get(url)
  page.assertStatus(200)
  return { ...page.body().props, flash: page.body().flash ?? {} }
}

test.group('Resident applications: who may open them', (group) => {
  group.each.setup(() => testUtils.db().withGlobalTransaction())

  test('hanako opens every page; staff and providers get 403 and change nothing', async ({
    client,
    assert,
  }) => {
    const { resident } = await hanakoExpecting()
    const application = await ProgramApplications.submit(resident.municipalityId, resident.id, {
      pluginId: 'single_parent_home_help',
      programCode: 'home_help',
      answers: { reason: 'work', details: '夕方に仕事があります。' },
    })
    const pages = [
      [APPLY, 'applications/resident/apply'],
      [POSTPARTUM_FORM, 'applications/resident/create'],
      ['/m/minato/my/applications', 'applications/resident/index'],
      [`/m/minato/my/applications/${application.id}`, 'applications/resident/show'],
    ]
    const browser = await signedIn(client, 'hanako@example.jp')
    for (const [url, component] of pages) {
      const response = await browser.get(url)
      response.assertStatus(200)
      response.assertInertiaComponent(component)
    }

    for (const email of OTHER_ROLES) {
      const other = await signedIn(client, email)
      for (const [url] of pages) {
        const response = await other.get(url)
        assert.equal(response.status(), 403, `${email} GET ${url}`)
      }
      const store = await other.post(POSTPARTUM_FORM, { answers: postpartumAnswers })
      assert.notEqual(store.status(), 200)
      const withdraw = await other.post(`/m/minato/my/applications/${application.id}/withdraw`)
      assert.notEqual(withdraw.status(), 200)
      assert.equal(await lastAction(), 'authz.denied')
    }
    assert.lengthOf(await applicationsOf(resident.id), 1)
    assert.equal(await statusOf(application.id), 'submitted')
  }).timeout(60_000)

  test('another municipality answers 404, for hanako and for its own admin', async ({
    client,
    assert,
  }) => {
    const { admin } = await createSecondTenant()
    const browser = await signedIn(client, 'hanako@example.jp')
    for (const url of ['/m/shinjuku/my/apply', '/m/shinjuku/my/applications']) {
      const response = await browser.get(url)
      response.assertStatus(404)
    }
    const intruder = await signedIn(client, admin.email)
    const response = await intruder.get('/m/minato/my/applications')
    response.assertStatus(404)
    assert.equal(await lastAction(), 'tenancy.access_denied')
  }).timeout(30_000)
})

test.group('Resident applications: apply', (group) => {
  group.each.setup(() => testUtils.db().withGlobalTransaction())

  test('the programs of the municipality, with their rules and what hanako has', async ({
    client,
    assert,
  }) => {
    const browser = await signedIn(client, 'hanako@example.jp')
    let props = await propsOf(browser, APPLY)
    const postpartum = () =>
      props.programs.find((program: any) => program.pluginId === 'postpartum_support')
    assert.equal(postpartum().name, '産前産後家事・育児支援サービス')
    assert.include(postpartum().rules, 'お子さま1人ごとに時間がもらえます（双子なら2人分）。')
    assert.isTrue(postpartum().perChild)
    assert.isNull(postpartum().openApplicationId)
    assert.isNull(postpartum().hours)
    const homeHelp = props.programs.find(
      (program: any) => program.pluginId === 'single_parent_home_help'
    )
    assert.equal(homeHelp.name, 'ひとり親家庭ホームヘルプサービス')
    assert.isFalse(homeHelp.perChild)

    // An open application: its status link.
    const { resident, child } = await hanakoExpecting()
    const application = await ProgramApplications.submit(resident.municipalityId, resident.id, {
      pluginId: 'postpartum_support',
      programCode: 'postpartum',
      childId: child.id,
      answers: postpartumAnswers,
    })
    props = await propsOf(browser, APPLY)
    assert.equal(postpartum().openApplicationId, application.id)

    // Approved: the hours held.
    const city = await minato()
    await ProgramApplications.approve(city.id, application.id, {}, await staffOf(city))
    props = await propsOf(browser, APPLY)
    assert.isNull(postpartum().openApplicationId)
    // 224 hours granted: what can be used today is home's figure, the rest
    // waits for its window, with the day it opens
    const hours = postpartum().hours
    const [home] = await new ResidentCoupons(city.id, 'ja').of(resident.id)
    assert.equal(home.key, 'postpartum_support/postpartum')
    assert.equal(
      hours.nowMinutes,
      home.pools.reduce((total: number, pool: { minutes: number }) => total + pool.minutes, 0)
    )
    assert.equal(
      hours.nowMinutes +
        hours.later.reduce((total: number, lot: { minutes: number }) => total + lot.minutes, 0),
      224 * 60
    )
    assert.isAbove(hours.later.length, 0)
    assert.isTrue(hours.later.every((lot: { from: string }) => lot.from > todayInJapan()))

    // English: the same programs in English.
    await browser.put('/locale', { locale: 'en' })
    props = await propsOf(browser, APPLY)
    assert.equal(postpartum().name, 'Pre- and postpartum home support')
    assert.isTrue(
      postpartum().rules.every((rule: string) => !/[\u3040-\u30ff\u4e00-\u9faf]/.test(rule))
    )
  }).timeout(30_000)

  test("the form: the plugin's questions and hanako's children to pick from", async ({
    client,
    assert,
  }) => {
    const { child } = await hanakoExpecting()
    const browser = await signedIn(client, 'hanako@example.jp')
    const props = await propsOf(browser, POSTPARTUM_FORM)
    assert.equal(props.program.name, '産前産後家事・育児支援サービス')
    assert.deepEqual(
      props.fields.map((field: any) => [field.key, field.label, field.required]),
      [
        ['expecting', '現在妊娠中です', false],
        ['support_needed', '希望する支援', true],
        ['notes', '伝えておきたいこと（任意）', false],
      ]
    )
    assert.isTrue(props.perChild)
    assert.lengthOf(props.children, 1)
    assert.equal(props.children[0].id, child.id)
    assert.match(props.children[0].label, /^さくら（出産予定日 \d{4}年\d{1,2}月\d{1,2}日）$/)
    assert.isNull(props.openApplicationId)

    const homeHelp = await propsOf(browser, HOME_HELP_FORM)
    assert.isFalse(homeHelp.perChild)
    assert.deepEqual(homeHelp.children, [])
  }).timeout(30_000)

  test('unknown or disabled programs answer 404', async ({ client, assert }) => {
    const city = await minato()
    await db
      .from('municipality_plugins')
      .where({ municipality_id: city.id, plugin_id: 'sample_program' })
      .delete()
    const { resident } = await hanakoExpecting()
    const browser = await signedIn(client, 'hanako@example.jp')
    for (const url of [
      `${APPLY}/nothing_here/postpartum`,
      `${APPLY}/postpartum_support/nothing`,
      `${APPLY}/sample_program/sample`,
    ]) {
      const page = await browser.get(url)
      assert.equal(page.status(), 404, url)
      const sent = await browser.post(url, { answers: {} })
      assert.equal(sent.status(), 404, url)
    }
    const props = await propsOf(browser, APPLY)
    assert.notInclude(
      props.programs.map((program: any) => program.pluginId),
      'sample_program'
    )
    assert.lengthOf(await applicationsOf(resident.id), 0)
  }).timeout(30_000)

  test('applying: stored with the child, audited, then the application page', async ({
    client,
    assert,
  }) => {
    const { resident, child } = await hanakoExpecting()
    const browser = await signedIn(client, 'hanako@example.jp')
    await browser.get(POSTPARTUM_FORM)
    const response = await browser.post(POSTPARTUM_FORM, {
      child_id: child.id,
      answers: { ...postpartumAnswers, notes: '  上の子が2歳です。 ', unknown: 'x' },
    })
    response.assertStatus(302)
    const [application] = await applicationsOf(resident.id)
    assert.equal(response.header('location'), `/m/minato/my/applications/${application.id}`)
    assert.equal(application.status, 'submitted')
    assert.equal(application.childId, child.id)
    assert.deepEqual(application.answers, {
      expecting: true,
      support_needed: ['housework', 'childcare'],
      notes: '上の子が2歳です。',
    })
    const event = await latestEvent({ action: 'application.submitted' })
    assert.equal(Number(event.subject_resident_id), resident.id)
    assert.equal(event.actor_role, 'resident')
    const user = await User.findByOrFail('email', 'hanako@example.jp')
    assert.equal(Number(event.actor_user_id), user.id)

    const props = await propsOf(browser, `/m/minato/my/applications/${application.id}`)
    assert.equal(
      props.flash.notice,
      '申し込みを受け付けました。結果はメールとこのページでお知らせします。'
    )
    assert.equal(props.application.status, 'submitted')
    assert.deepEqual(
      props.answers.map((answer: any) => [answer.label, answer.value]),
      [
        ['現在妊娠中です', 'はい'],
        ['希望する支援', '家事、育児'],
        ['伝えておきたいこと（任意）', '上の子が2歳です。'],
      ]
    )
  }).timeout(30_000)

  test('bad answers: errors at the questions by their labels, nothing stored', async ({
    client,
    assert,
  }) => {
    const { resident } = await hanakoExpecting()
    const browser = await signedIn(client, 'hanako@example.jp')
    await browser.get(POSTPARTUM_FORM)
    const response = await browser.post(POSTPARTUM_FORM, {
      answers: { expecting: 'maybe', support_needed: [], notes: 'あ'.repeat(501) },
    })
    response.assertStatus(302)
    const { errors } = await propsOf(browser, POSTPARTUM_FORM)
    assert.equal(errors.child_id, 'どのお子さまの申し込みか選んでください。')
    assert.equal(errors.support_needed, '「希望する支援」を1つ以上選んでください。')
    assert.equal(errors.expecting, '「現在妊娠中です」に「はい」か「いいえ」で答えてください。')
    assert.equal(errors.notes, '「伝えておきたいこと（任意）」は500文字以内で入力してください。')

    await browser.post(POSTPARTUM_FORM, { child_id: 'x', answers: {} })
    const { errors: missing } = await propsOf(browser, POSTPARTUM_FORM)
    assert.equal(missing.child_id, 'お子さまの選び方が正しくありません。もう一度選んでください。')
    assert.equal(missing.support_needed, '「希望する支援」を選んでください。')

    // In English, the questions' English labels.
    await browser.put('/locale', { locale: 'en' })
    await browser.post(HOME_HELP_FORM, { answers: { details: '' } })
    const { errors: english } = await propsOf(browser, HOME_HELP_FORM)
    assert.match(english.reason, /^Please choose "/)
    assert.notMatch(english.reason, /[\u3040-\u30ff\u4e00-\u9faf]/)
    assert.lengthOf(await applicationsOf(resident.id), 0)
  }).timeout(30_000)

  test("another resident's child is refused at the child, nothing stored", async ({
    client,
    assert,
  }) => {
    const { resident } = await hanakoExpecting()
    const neighbour = await residentWithChildren([{ dueDate: '2026-12-01' }])
    const browser = await signedIn(client, 'hanako@example.jp')
    await browser.get(POSTPARTUM_FORM)
    const response = await browser.post(POSTPARTUM_FORM, {
      child_id: neighbour.children[0].id,
      answers: postpartumAnswers,
    })
    response.assertStatus(302)
    const { errors } = await propsOf(browser, POSTPARTUM_FORM)
    assert.equal(errors.child_id, '選んだお子さまが見つかりません。もう一度選んでください。')
    assert.lengthOf(await applicationsOf(resident.id), 0)
    assert.lengthOf(await applicationsOf(neighbour.resident.id), 0)
  }).timeout(30_000)

  test('an open application to the same program: refused, with the way to it', async ({
    client,
    assert,
  }) => {
    const { resident, child } = await hanakoExpecting()
    const first = await ProgramApplications.submit(resident.municipalityId, resident.id, {
      pluginId: 'postpartum_support',
      programCode: 'postpartum',
      childId: child.id,
      answers: postpartumAnswers,
    })
    const browser = await signedIn(client, 'hanako@example.jp')
    const form = await propsOf(browser, POSTPARTUM_FORM)
    assert.equal(form.openApplicationId, first.id)

    const response = await browser.post(POSTPARTUM_FORM, {
      child_id: child.id,
      answers: postpartumAnswers,
    })
    response.assertStatus(302)
    assert.equal(response.header('location'), `/m/minato/my/applications/${first.id}`)
    const props = await propsOf(browser, `/m/minato/my/applications/${first.id}`)
    assert.equal(props.flash.error, 'このサービスには、審査中の申し込みがすでにあります。')
    assert.lengthOf(await applicationsOf(resident.id), 1)
  }).timeout(30_000)
})

test.group('Resident applications: status', (group) => {
  group.each.setup(() => testUtils.db().withGlobalTransaction())

  test('the list: newest first, status in words, the reason when not approved', async ({
    client,
    assert,
  }) => {
    const { resident, child } = await hanakoExpecting()
    const city = await minato()
    const homeHelp = await ProgramApplications.submit(city.id, resident.id, {
      pluginId: 'single_parent_home_help',
      programCode: 'home_help',
      answers: { reason: 'work', details: '夕方に仕事があります。' },
    })
    await ProgramApplications.reject(
      city.id,
      homeHelp.id,
      'ひとり親家庭であることの確認ができませんでした。',
      await staffOf(city)
    )
    // Created a moment later: newest first.
    const older = await Application.findOrFail(homeHelp.id)
    older.createdAt = DateTime.now().minus({ minutes: 1 })
    await older.save()
    const postpartum = await ProgramApplications.submit(city.id, resident.id, {
      pluginId: 'postpartum_support',
      programCode: 'postpartum',
      childId: child.id,
      answers: postpartumAnswers,
    })

    const browser = await signedIn(client, 'hanako@example.jp')
    const { applications } = await propsOf(browser, '/m/minato/my/applications')
    assert.deepEqual(
      applications.map((row: any) => [row.id, row.program, row.status, row.reason]),
      [
        [postpartum.id, '産前産後家事・育児支援サービス', 'submitted', null],
        [
          homeHelp.id,
          'ひとり親家庭ホームヘルプサービス',
          'rejected',
          'ひとり親家庭であることの確認ができませんでした。',
        ],
      ]
    )
    assert.match(applications[1].submittedAt, /^\d{4}年\d{1,2}月\d{1,2}日/)
    assert.isNotNull(applications[1].decidedAt)
    assert.isNull(applications[0].decidedAt)

    const shown = await propsOf(browser, `/m/minato/my/applications/${homeHelp.id}`)
    assert.equal(shown.application.status, 'rejected')
    assert.equal(shown.application.reason, 'ひとり親家庭であることの確認ができませんでした。')
    assert.deepEqual(
      shown.answers.map((answer: any) => [answer.label, answer.value]),
      [
        ['利用する理由', '就労'],
        ['状況の説明', '夕方に仕事があります。'],
      ]
    )
  }).timeout(30_000)

  test("another resident's or municipality's application is 404, and audited", async ({
    client,
    assert,
  }) => {
    const neighbour = await residentWithChildren([{ birthDate: '2019-06-15' }])
    const theirs = await ProgramApplications.submit(
      neighbour.municipality.id,
      neighbour.resident.id,
      {
        pluginId: 'single_parent_home_help',
        programCode: 'home_help',
        answers: { reason: 'work', details: '夕方に仕事があります。' },
      }
    )
    const { municipality: shinjuku } = await createSecondTenant()
    const elsewhere = await residentWithChildren([], shinjuku)
    const abroad = await Application.create({
      municipalityId: shinjuku.id,
      residentId: elsewhere.resident.id,
      pluginId: 'single_parent_home_help',
      programCode: 'home_help',
      childId: null,
      answers: {},
      status: 'submitted',
    })

    const browser = await signedIn(client, 'hanako@example.jp')
    for (const id of [theirs.id, abroad.id, 999_999]) {
      const page = await browser.get(`/m/minato/my/applications/${id}`)
      page.assertStatus(404)
      const event = await latestEvent()
      assert.equal(event.action, 'application.not_found')
      assert.equal(event.outcome, 'denied')
      assert.equal(JSON.parse(event.details).application_id, id)

      const withdraw = await browser.post(`/m/minato/my/applications/${id}/withdraw`)
      withdraw.assertStatus(404)
    }
    assert.equal(await statusOf(theirs.id), 'submitted')
    assert.equal(await statusOf(abroad.id), 'submitted')
  }).timeout(30_000)

  test('withdrawing: a submitted application, once; a decided one is refused', async ({
    client,
    assert,
  }) => {
    const { resident, child } = await hanakoExpecting()
    const city = await minato()
    const application = await ProgramApplications.submit(city.id, resident.id, {
      pluginId: 'postpartum_support',
      programCode: 'postpartum',
      childId: child.id,
      answers: postpartumAnswers,
    })
    const url = `/m/minato/my/applications/${application.id}`
    const browser = await signedIn(client, 'hanako@example.jp')
    await browser.get(url)
    const response = await browser.post(`${url}/withdraw`)
    response.assertStatus(302)
    assert.equal(response.header('location'), url)
    let props = await propsOf(browser, url)
    assert.equal(props.flash.notice, '申し込みを取り下げました。')
    assert.equal(props.application.status, 'withdrawn')
    assert.isNotNull(props.application.decidedAt)
    const event = await latestEvent({ action: 'application.withdrawn' })
    assert.equal(JSON.parse(event.details).application_id, application.id)
    assert.equal(event.actor_role, 'resident')

    await browser.post(`${url}/withdraw`)
    props = await propsOf(browser, url)
    assert.equal(props.flash.error, 'この申し込みは、すでに取り下げています。')

    // Withdrawn: hanako may apply again.
    const again = await ProgramApplications.submit(city.id, resident.id, {
      pluginId: 'postpartum_support',
      programCode: 'postpartum',
      childId: child.id,
      answers: postpartumAnswers,
    })
    await ProgramApplications.approve(city.id, again.id, {}, await staffOf(city))
    await browser.get(`/m/minato/my/applications/${again.id}`)
    await browser.post(`/m/minato/my/applications/${again.id}/withdraw`)
    props = await propsOf(browser, `/m/minato/my/applications/${again.id}`)
    assert.equal(
      props.flash.error,
      'この申し込みは、すでに承認されているため、取り下げられません。'
    )
    assert.equal(await statusOf(again.id), 'approved')
    const lots = await db.from('ledger_lots').where('resident_id', resident.id)
    assert.lengthOf(lots, 3)
  }).timeout(30_000)
})
