import { test } from '@japa/runner'
import testUtils from '@adonisjs/core/services/test_utils'
import db from '@adonisjs/lucid/services/db'
import { DateTime } from 'luxon'
import { createSecondTenant } from '#tests/helpers/tenants'
import Resident from '#residents/resident'
import Child from '#residents/child'
import { todayInJapan } from '#ledger/coupon_issuance'
import { events, latestEvent, signedIn } from '#tests/helpers/staff_console'
import { minato } from '#tests/helpers/programs'

const STAFF = ['admin@minato.example', 'staff@minato.example']
const OTHERS = ['owner@aozora.example', 'helper@aozora.example', 'hanako@example.jp']

async function resident(residentNumber: string) {
  const city = await minato()
  return Resident.findByOrFail({ municipalityId: city.id, residentNumber })
}

async function eventCount(action: string) {
  const city = await minato()
  const rows = await events(city.id, action)
  return rows.length
}

/** A day relative to today in Japan, as YYYY-MM-DD */
function daysFromToday(days: number) {
  return DateTime.fromISO(todayInJapan()).plus({ days }).toISODate()!
}

const NEW_RESIDENT = {
  resident_number: 'ＭＮ－０００２０１',
  family_name: '中村',
  given_name: '愛',
  family_name_kana: 'ﾅｶﾑﾗ',
  given_name_kana: 'アイ',
  phone: '080-1111-2222',
  household_notes: '上の子が3歳',
  child_due_date: '',
  child_birth_date: '',
  child_given_name: '',
  child_multiple_birth: false,
  child_count: 1,
}

test.group('Staff residents: search and pages', (group) => {
  group.each.setup(() => testUtils.db().withGlobalTransaction())

  test('admin and staff search by kana (hiragana too); the search is audited', async ({
    client,
    assert,
  }) => {
    for (const email of STAFF) {
      const browser = await signedIn(client, email)
      const page = await browser.get(`/m/minato/residents?q=${encodeURIComponent('やまだ')}`)
      page.assertStatus(200)
      page.assertInertiaComponent('residents/staff/index')
      const { result, query } = page.body().props
      assert.equal(query, 'やまだ')
      assert.equal(result.total, 1)
      assert.deepInclude(result.residents[0], {
        residentNumber: 'MN-000101',
        name: '山田 花子',
        kana: 'ヤマダ ハナコ',
        phone: '090-0000-0101',
        childrenCount: 0,
      })
      const event = await latestEvent()
      assert.equal(event.action, 'residents.searched')
      assert.equal(event.destination, 'tenant.residents.index')
      assert.notInclude(event.details, 'やまだ')
      assert.include(JSON.parse(event.details), { query_kind: 'kana', total: 1 })
    }
  })

  test('an empty search lists everyone newest first; phone digits without hyphens', async ({
    client,
    assert,
  }) => {
    const browser = await signedIn(client, 'staff@minato.example')
    const all = await browser.get('/m/minato/residents')
    all.assertStatus(200)
    assert.equal(all.body().props.result.total, 3)
    const byPhone = await browser.get('/m/minato/residents?q=09000000102')
    assert.deepEqual(
      byPhone.body().props.result.residents.map((row: any) => row.residentNumber),
      ['MN-000102']
    )
  })

  test('a search text too long is explained, not a 500', async ({ client, assert }) => {
    const browser = await signedIn(client, 'staff@minato.example')
    await browser.get('/m/minato/residents')
    const response = await browser.get(`/m/minato/residents?q=${'a'.repeat(101)}`)
    response.assertStatus(302)
    const page = await browser.get('/m/minato/residents')
    assert.equal(page.body().props.errors.q, '検索語は100文字以内で入力してください。')
  })

  test('the resident page shows details and children, and the view is audited', async ({
    client,
    assert,
  }) => {
    const yamada = await resident('MN-000101')
    await yamada.merge({ householdNotes: '夫は単身赴任中' }).save()
    await Child.create({
      municipalityId: yamada.municipalityId,
      residentId: yamada.id,
      dueDate: daysFromToday(60),
      multipleBirth: false,
    })
    for (const email of STAFF) {
      const browser = await signedIn(client, email)
      const page = await browser.get(`/m/minato/residents/${yamada.id}`)
      page.assertStatus(200)
      page.assertInertiaComponent('residents/staff/show')
      const shown = page.body().props.resident
      assert.include(shown, {
        residentNumber: 'MN-000101',
        familyName: '山田',
        householdNotes: '夫は単身赴任中',
        hasAccount: true,
      })
      assert.lengthOf(shown.children, 1)
      assert.include(shown.children[0], { dueDate: daysFromToday(60), lotsIssued: 0 })
      assert.notProperty(shown, 'userId', 'the page gets only what it shows')

      const event = await latestEvent({ action: 'resident.viewed' })
      assert.equal(Number(event.subject_resident_id), yamada.id)
      assert.equal(event.purpose, 'resident_record')
      // the coupon summary at the top of the page is a read of their coupons too
      const coupons = await latestEvent()
      assert.equal(coupons.action, 'coupons.viewed')
      assert.equal(Number(coupons.subject_resident_id), yamada.id)
      assert.equal(coupons.purpose, 'resident_record')
      assert.deepEqual(page.body().props.coupons, [])
    }
  })

  test('the edit form and the registration form open for admin and staff', async ({
    client,
    assert,
  }) => {
    const yamada = await resident('MN-000101')
    for (const email of STAFF) {
      const browser = await signedIn(client, email)
      const edit = await browser.get(`/m/minato/residents/${yamada.id}/edit`)
      edit.assertStatus(200)
      edit.assertInertiaComponent('residents/staff/edit')
      assert.equal(edit.body().props.resident.residentNumber, 'MN-000101')
      const viewed = await latestEvent()
      assert.equal(viewed.action, 'resident.viewed')
      const create = await browser.get('/m/minato/residents/new')
      create.assertStatus(200)
      create.assertInertiaComponent('residents/staff/create')
    }
  })

  test('provider staff and residents get 403 on every residents screen and action', async ({
    client,
    assert,
  }) => {
    const yamada = await resident('MN-000101')
    const kid = await Child.create({
      municipalityId: yamada.municipalityId,
      residentId: yamada.id,
      dueDate: daysFromToday(60),
      multipleBirth: false,
    })
    const before = await Resident.query().count('* as total')
    for (const email of OTHERS) {
      const browser = await signedIn(client, email)
      for (const url of [
        '/m/minato/residents',
        '/m/minato/residents/new',
        `/m/minato/residents/${yamada.id}`,
        `/m/minato/residents/${yamada.id}/edit`,
      ]) {
        const response = await browser.get(url)
        assert.equal(response.status(), 403, `${email} GET ${url}`)
      }
      const writes: [string, 'post' | 'put', Record<string, unknown>][] = [
        ['/m/minato/residents', 'post', { ...NEW_RESIDENT }],
        [`/m/minato/residents/${yamada.id}`, 'put', { ...NEW_RESIDENT }],
        [`/m/minato/residents/${yamada.id}/children`, 'post', { due_date: daysFromToday(30) }],
        [
          `/m/minato/residents/${yamada.id}/children/${kid.id}`,
          'put',
          { due_date: daysFromToday(30) },
        ],
      ]
      // A refused form submission goes back with the reason (the bouncer's
      // answer to an Inertia form), recorded like a refused page.
      for (const [url, method, body] of writes) {
        const denials = await eventCount('authz.denied')
        const response = await browser.send(method, url, body)
        assert.oneOf(response.status(), [302, 303, 403], `${email} ${method} ${url}`)
        assert.equal(await eventCount('authz.denied'), denials + 1, `${email} ${method} ${url}`)
        const denied = await latestEvent()
        assert.equal(denied.outcome, 'denied')
      }
    }
    const after = await Resident.query().count('* as total')
    assert.equal(after[0].$extras.total, before[0].$extras.total)
    await yamada.refresh()
    assert.equal(yamada.familyName, '山田')
    await kid.refresh()
    assert.equal(kid.dueDate, daysFromToday(60))
  })

  test("another municipality's staff get 404 for a Minato resident id, audited", async ({
    client,
    assert,
  }) => {
    const { admin, municipality: shinjuku } = await createSecondTenant()
    const yamada = await resident('MN-000101')
    const kid = await Child.create({
      municipalityId: yamada.municipalityId,
      residentId: yamada.id,
      dueDate: daysFromToday(60),
      multipleBirth: false,
    })
    const browser = await signedIn(client, admin.email)
    // Under Minato's address: the tenant middleware refuses
    const minatoPage = await browser.get(`/m/minato/residents/${yamada.id}`)
    minatoPage.assertStatus(404)
    // Under their own address with Minato's id: not found either
    for (const url of [
      `/m/shinjuku/residents/${yamada.id}`,
      `/m/shinjuku/residents/${yamada.id}/edit`,
    ]) {
      const response = await browser.get(url)
      assert.equal(response.status(), 404, url)
    }
    for (const [method, url, body] of [
      ['put', `/m/shinjuku/residents/${yamada.id}`, { ...NEW_RESIDENT }],
      ['post', `/m/shinjuku/residents/${yamada.id}/children`, { due_date: daysFromToday(30) }],
      [
        'put',
        `/m/shinjuku/residents/${yamada.id}/children/${kid.id}`,
        { due_date: daysFromToday(30) },
      ],
    ] as const) {
      const response = await browser.send(method, url, body)
      assert.equal(response.status(), 404, `${method} ${url}`)
    }
    const refused = await db
      .from('audit_events')
      .where({ municipality_id: shinjuku.id, action: 'resident.not_found' })
    assert.lengthOf(refused, 5)
    assert.equal(refused[0].outcome, 'denied')
    assert.equal(JSON.parse(refused[0].details).resident_id, yamada.id)

    await yamada.refresh()
    assert.equal(yamada.residentNumber, 'MN-000101')
    assert.lengthOf(await Child.query().where('resident_id', yamada.id), 1)
  })
})

test.group('Staff residents: registering and editing', (group) => {
  group.each.setup(() => testUtils.db().withGlobalTransaction())

  test('staff register a resident with an expected child; normalized and audited', async ({
    client,
    assert,
  }) => {
    const browser = await signedIn(client, 'staff@minato.example')
    await browser.get('/m/minato/residents/new')
    const response = await browser.post('/m/minato/residents', {
      ...NEW_RESIDENT,
      child_due_date: daysFromToday(120),
    })
    response.assertStatus(302)
    const created = await resident('MN-000201')
    assert.equal(response.header('location'), `/m/minato/residents/${created.id}`)
    assert.include(created.serialize(), {
      familyName: '中村',
      familyNameKana: 'ナカムラ',
      phone: '080-1111-2222',
      householdNotes: '上の子が3歳',
    })
    const children = await Child.query().where('resident_id', created.id)
    assert.lengthOf(children, 1)
    assert.equal(children[0].dueDate, daysFromToday(120))

    const event = await latestEvent({ action: 'resident.registered' })
    assert.equal(Number(event.subject_resident_id), created.id)
    assert.equal(event.actor_role, 'municipal_staff')

    const page = await browser.get(`/m/minato/residents/${created.id}`)
    assert.equal(
      page.body().props.flash?.notice ?? page.body().flash?.notice,
      '利用者を登録しました。'
    )
  })

  test('admin register twins born last week: two children, a multiple birth', async ({
    client,
    assert,
  }) => {
    const browser = await signedIn(client, 'admin@minato.example')
    await browser.get('/m/minato/residents/new')
    const response = await browser.post('/m/minato/residents', {
      ...NEW_RESIDENT,
      child_birth_date: daysFromToday(-7),
      child_multiple_birth: true,
      child_count: 2,
    })
    response.assertStatus(302)
    const created = await resident('MN-000201')
    const children = await Child.query().where('resident_id', created.id)
    assert.lengthOf(children, 2)
    assert.isTrue(children.every((twin) => twin.multipleBirth))
  })

  test('bad input is explained under each field and nothing is saved', async ({
    client,
    assert,
  }) => {
    const browser = await signedIn(client, 'staff@minato.example')
    await browser.get('/m/minato/residents/new')
    const before = await eventCount('resident.registered')
    const response = await browser.post('/m/minato/residents', {
      ...NEW_RESIDENT,
      resident_number: 'MN 201',
      family_name: '',
      family_name_kana: 'なかむら',
      phone: '90-1111-2222',
      child_due_date: '2026年2月30日',
    })
    response.assertStatus(302)
    const page = await browser.get('/m/minato/residents/new')
    const { errors } = page.body().props
    assert.equal(
      errors.resident_number,
      '利用者IDは半角の英数字とハイフン（-）で入力してください。'
    )
    assert.equal(errors.family_name, '氏を入力してください。')
    assert.equal(
      errors.family_name_kana,
      '氏（カナ）はカタカナで入力してください（ひらがな・漢字・英字は使えません）。'
    )
    assert.match(errors.phone, /電話番号は0から始まる10桁か11桁/)
    assert.equal(errors.child_due_date, '出産予定日の日付はカレンダーにありません。')
    assert.isNull(await Resident.findBy('residentNumber', 'MN-000201'))
    assert.equal(await eventCount('resident.registered'), before)
  })

  test('a taken 利用者ID and impossible child dates are refused with the reason', async ({
    client,
    assert,
  }) => {
    const browser = await signedIn(client, 'staff@minato.example')
    await browser.get('/m/minato/residents/new')
    await browser.post('/m/minato/residents', {
      ...NEW_RESIDENT,
      resident_number: 'ＭＮ－０００１０１',
    })
    let page = await browser.get('/m/minato/residents/new')
    assert.equal(
      page.body().props.errors.resident_number,
      'この利用者IDは、すでにほかの利用者に使われています。別のIDにしてください。'
    )

    await browser.post('/m/minato/residents', {
      ...NEW_RESIDENT,
      child_birth_date: daysFromToday(3),
    })
    page = await browser.get('/m/minato/residents/new')
    assert.match(page.body().props.errors.child_birth_date, /未来の日付/)

    await browser.post('/m/minato/residents', {
      ...NEW_RESIDENT,
      child_due_date: daysFromToday(400),
    })
    page = await browser.get('/m/minato/residents/new')
    assert.match(page.body().props.errors.child_due_date, /10か月以内/)
    assert.isNull(await Resident.findBy('residentNumber', 'MN-000201'))
  })

  test('English messages for English readers', async ({ client, assert }) => {
    const browser = await signedIn(client, 'staff@minato.example')
    await browser.put('/locale', { locale: 'en' })
    await browser.get('/m/minato/residents/new')
    await browser.post('/m/minato/residents', { ...NEW_RESIDENT, given_name_kana: 'あい' })
    const page = await browser.get('/m/minato/residents/new')
    assert.equal(
      page.body().props.errors.given_name_kana,
      'Enter the Given name (kana) in katakana only (no hiragana, kanji or Latin letters).'
    )
  })

  test('editing: the 利用者ID changes when free, is refused when taken; audited by field name', async ({
    client,
    assert,
  }) => {
    const suzuki = await resident('MN-000103')
    const form = {
      resident_number: 'MN-000102',
      family_name: '鈴木',
      given_name: '一郎',
      family_name_kana: 'スズキ',
      given_name_kana: 'イチロウ',
      phone: '',
      household_notes: '日中は不在',
    }
    for (const email of STAFF) {
      const browser = await signedIn(client, email)
      await browser.get(`/m/minato/residents/${suzuki.id}/edit`)
      const refused = await browser.put(`/m/minato/residents/${suzuki.id}`, form)
      refused.assertStatus(303)
      const page = await browser.get(`/m/minato/residents/${suzuki.id}/edit`)
      assert.match(page.body().props.errors.resident_number, /すでにほかの利用者/)
      await suzuki.refresh()
      assert.equal(suzuki.residentNumber, 'MN-000103')
      assert.isNull(suzuki.householdNotes)
    }

    const browser = await signedIn(client, 'admin@minato.example')
    await browser.get(`/m/minato/residents/${suzuki.id}/edit`)
    const saved = await browser.put(`/m/minato/residents/${suzuki.id}`, {
      ...form,
      resident_number: 'MN-000301',
    })
    saved.assertStatus(303)
    assert.equal(saved.header('location'), `/m/minato/residents/${suzuki.id}`)
    await suzuki.refresh()
    assert.equal(suzuki.residentNumber, 'MN-000301')
    assert.equal(suzuki.householdNotes, '日中は不在')
    const event = await latestEvent({ action: 'resident.updated' })
    assert.deepEqual(JSON.parse(event.details), { changed: ['resident_number', 'household_notes'] })
    assert.equal(Number(event.subject_resident_id), suzuki.id)
    assert.equal(event.actor_role, 'municipal_admin')
  })

  test('invalid edits change nothing', async ({ client, assert }) => {
    const suzuki = await resident('MN-000103')
    const browser = await signedIn(client, 'staff@minato.example')
    await browser.get(`/m/minato/residents/${suzuki.id}/edit`)
    const before = await eventCount('resident.updated')
    await browser.put(`/m/minato/residents/${suzuki.id}`, {
      resident_number: 'MN-000103',
      family_name: '鈴木',
      given_name: '一郎\n二郎',
      family_name_kana: 'スズキ',
      given_name_kana: 'イチロウ',
      household_notes: 'x'.repeat(2001),
    })
    const page = await browser.get(`/m/minato/residents/${suzuki.id}/edit`)
    const { errors } = page.body().props
    assert.equal(errors.given_name, '名に改行やタブを入れないでください。')
    assert.equal(errors.household_notes, '世帯メモは2000文字以内で入力してください。')
    await suzuki.refresh()
    assert.equal(suzuki.givenName, '一郎')
    assert.equal(await eventCount('resident.updated'), before)
  })
})

test.group('Staff residents: children', (group) => {
  group.each.setup(() => testUtils.db().withGlobalTransaction())

  test('admin and staff add a child; bad dates are explained; audited', async ({
    client,
    assert,
  }) => {
    const yamada = await resident('MN-000101')
    for (const [index, email] of STAFF.entries()) {
      const browser = await signedIn(client, email)
      await browser.get(`/m/minato/residents/${yamada.id}`)
      const response = await browser.post(`/m/minato/residents/${yamada.id}/children`, {
        due_date: daysFromToday(90),
        birth_date: '',
        given_name: '',
        multiple_birth: false,
      })
      response.assertStatus(302)
      assert.equal(response.header('location'), `/m/minato/residents/${yamada.id}#children`)
      assert.lengthOf(await Child.query().where('resident_id', yamada.id), index + 1)
      const event = await latestEvent({ action: 'resident.child_added' })
      assert.equal(Number(event.subject_resident_id), yamada.id)
    }

    const browser = await signedIn(client, 'staff@minato.example')
    await browser.get(`/m/minato/residents/${yamada.id}`)
    await browser.post(`/m/minato/residents/${yamada.id}/children`, {
      due_date: '',
      birth_date: '',
    })
    let page = await browser.get(`/m/minato/residents/${yamada.id}`)
    assert.equal(
      page.body().props.errors.due_date,
      '出産予定日か生年月日のどちらかを入力してください。'
    )
    await browser.post(`/m/minato/residents/${yamada.id}/children`, {
      due_date: 'あした',
      count: 9,
    })
    page = await browser.get(`/m/minato/residents/${yamada.id}`)
    assert.match(page.body().props.errors.due_date, /日付として読めません/)
    assert.match(page.body().props.errors.count, /人数は1から5の範囲/)
    assert.lengthOf(await Child.query().where('resident_id', yamada.id), 2)
  })

  test('correcting a child with issued coupons: saved, with the lots warning', async ({
    client,
    assert,
  }) => {
    const yamada = await resident('MN-000101')
    const kid = await Child.create({
      municipalityId: yamada.municipalityId,
      residentId: yamada.id,
      dueDate: daysFromToday(10),
      multipleBirth: false,
    })
    await db.table('ledger_lots').insert({
      municipality_id: yamada.municipalityId,
      resident_id: yamada.id,
      child_id: kid.id,
      plugin_id: 'postpartum_support',
      program_code: 'postpartum',
      definition_version: 'test',
      services: '["home_helper"]',
      valid_from: daysFromToday(-100),
      valid_to: daysFromToday(300),
      granted_minutes: 600,
      available_minutes: 600,
      status: 'active',
      created_at: new Date(),
    })
    for (const email of STAFF) {
      const browser = await signedIn(client, email)
      const before = await browser.get(`/m/minato/residents/${yamada.id}`)
      assert.equal(before.body().props.resident.children[0].lotsIssued, 1)
      const response = await browser.put(`/m/minato/residents/${yamada.id}/children/${kid.id}`, {
        due_date: daysFromToday(10),
        birth_date: daysFromToday(-2),
        given_name: '陽太',
        multiple_birth: false,
      })
      response.assertStatus(303)
      const after = await browser.get(`/m/minato/residents/${yamada.id}`)
      const notice = after.body().props.flash?.notice ?? after.body().flash?.notice
      assert.match(notice, /発行済みのクーポン1件の有効期間は変わっていません/)
    }
    await kid.refresh()
    assert.equal(kid.birthDate, daysFromToday(-2))
    assert.equal(kid.givenName, '陽太')
    const lot = await db.from('ledger_lots').where('child_id', kid.id).firstOrFail()
    assert.equal(lot.valid_to, daysFromToday(300))
    const event = await latestEvent({ action: 'resident.child_updated' })
    assert.include(JSON.parse(event.details), { child_id: kid.id, lots_issued: 1 })
  })

  test('a child of another resident, or a bad date, changes nothing', async ({
    client,
    assert,
  }) => {
    const yamada = await resident('MN-000101')
    const sato = await resident('MN-000102')
    const kid = await Child.create({
      municipalityId: yamada.municipalityId,
      residentId: yamada.id,
      dueDate: daysFromToday(10),
      multipleBirth: false,
    })
    const browser = await signedIn(client, 'staff@minato.example')
    await browser.get(`/m/minato/residents/${sato.id}`)
    const wrong = await browser.put(`/m/minato/residents/${sato.id}/children/${kid.id}`, {
      due_date: daysFromToday(20),
    })
    wrong.assertStatus(404)

    await browser.get(`/m/minato/residents/${yamada.id}`)
    const bad = await browser.put(`/m/minato/residents/${yamada.id}/children/${kid.id}`, {
      due_date: daysFromToday(10),
      birth_date: daysFromToday(5),
    })
    bad.assertStatus(303)
    const page = await browser.get(`/m/minato/residents/${yamada.id}`)
    assert.match(page.body().props.errors.birth_date, /未来の日付/)
    await kid.refresh()
    assert.isNull(kid.birthDate)
    assert.equal(kid.dueDate, daysFromToday(10))
  })
})
