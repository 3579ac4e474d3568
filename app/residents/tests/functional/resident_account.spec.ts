import { test } from '@japa/runner'
import db from '@adonisjs/lucid/services/db'
import { DateTime } from 'luxon'
import User from '#identity/user'
import Resident from '#residents/resident'
import Child from '#residents/child'
import Membership from '#identity/membership'
import CouponIssuance, { todayInJapan } from '#ledger/coupon_issuance'
import { DEMO_PASSWORD } from '#database/demo_data'
import type BrowserSession from '#tests/helpers/browser_session'
import { createSecondTenant } from '#tests/helpers/tenants'
import { events, latestEvent, signedIn } from '#tests/helpers/staff_console'
import { minato, staffOf } from '#tests/helpers/programs'
import { isolatedTests } from '#tests/helpers/isolated_tests'

/** The last audit event before the test */
let firstEventId = 0

let accounts = 0

/** A new verified account with no membership anywhere, signed in */
async function newcomer(client: Parameters<typeof signedIn>[0]) {
  accounts++
  const user = await User.create({
    email: `newcomer-${process.pid}-${accounts}@example.jp`,
    password: DEMO_PASSWORD,
    fullName: '鈴木 一郎',
    emailVerifiedAt: DateTime.now(),
  })
  return { user, browser: await signedIn(client, user.email) }
}

async function resident(residentNumber: string) {
  const city = await minato()
  return Resident.findByOrFail({ municipalityId: city.id, residentNumber })
}

/** A day relative to today in Japan, as YYYY-MM-DD */
function daysFromToday(days: number) {
  return DateTime.fromISO(todayInJapan()).plus({ days }).toISODate()!
}

/** The errors and flash the next page shows after a refused form */
async function shown(browser: BrowserSession, url: string) {
  const page = await browser.get(url)
  return { errors: page.body().props.errors ?? {}, flash: page.body().flash ?? {} }
}

/** Staff issue a start code for a resident; the code as the page shows it once */
async function issueCode(client: Parameters<typeof signedIn>[0], residentNumber = 'MN-000103') {
  const record = await resident(residentNumber)
  const staff = await signedIn(client, 'staff@minato.example')
  await staff.get(`/m/minato/residents/${record.id}`)
  const response = await staff.post(`/m/minato/residents/${record.id}/claim-code`)
  const page = await staff.get(`/m/minato/residents/${record.id}`)
  return { staff, record, response, page, code: page.body().props.claimCode?.code as string }
}

const NEWCOMER = {
  municipality: 'minato',
  family_name: '中村',
  given_name: '愛',
  family_name_kana: 'ﾅｶﾑﾗ',
  given_name_kana: 'アイ',
  phone: '０８０-１１１１-２２２２',
}

test.group('Resident account: staff hand out a start code', (group) => {
  isolatedTests(group, (id) => (firstEventId = id))

  test('staff issue a code: shown once on the resident page, never in a URL; audited', async ({
    client,
    assert,
  }) => {
    const { staff, record, response, page, code } = await issueCode(client)
    response.assertStatus(302)
    assert.equal(response.header('location'), `/m/minato/residents/${record.id}#app-start`)
    assert.match(code, /^[2-9A-Z]{4}-[2-9A-Z]{4}-[2-9A-Z]{4}$/)
    assert.include(page.body().props.claimCode, { residentNumber: 'MN-000103' })
    assert.equal(
      page.body().flash.notice,
      '利用開始コードを発行しました。コードはこの画面でしか表示されません。本人に渡してください。'
    )
    const again = await staff.get(`/m/minato/residents/${record.id}`)
    assert.isNull(again.body().props.claimCode, 'shown once')

    const event = await latestEvent({ action: 'resident.claim_code_issued' })
    assert.equal(Number(event.subject_resident_id), record.id)
    assert.equal(event.destination, 'tenant.residents.claim_code')
    assert.notInclude(event.details, code)
    assert.notInclude(event.details, code.replaceAll('-', ''))
  })

  test('no code for a record already linked: the reason, nothing issued', async ({
    client,
    assert,
  }) => {
    const hanako = await resident('MN-000101')
    const staff = await signedIn(client, 'admin@minato.example')
    await staff.get(`/m/minato/residents/${hanako.id}`)
    const response = await staff.post(`/m/minato/residents/${hanako.id}/claim-code`)
    response.assertStatus(302)
    const page = await staff.get(`/m/minato/residents/${hanako.id}`)
    assert.equal(
      page.body().flash.error,
      'この利用者は、すでにアカウントと結び付いています。コードは発行できません。'
    )
    assert.isNull(page.body().props.claimCode)
    assert.lengthOf(await db.from('resident_claim_codes').where('resident_id', hanako.id), 0)
  })

  test('residents and provider staff are refused the staff action (audited)', async ({
    client,
    assert,
  }) => {
    const record = await resident('MN-000103')
    const denials = async () => {
      const rows = await events(record.municipalityId, 'authz.denied')
      return rows.length
    }
    for (const email of ['hanako@example.jp', 'owner@aozora.example', 'helper@aozora.example']) {
      const browser = await signedIn(client, email)
      const before = await denials()
      const response = await browser.post(`/m/minato/residents/${record.id}/claim-code`)
      assert.oneOf(response.status(), [302, 303, 403], email)
      assert.equal(await denials(), before + 1, email)
    }
    assert.lengthOf(await db.from('resident_claim_codes').where('resident_id', record.id), 0)
  })

  test("another municipality's admin gets 404 for a Minato resident, audited", async ({
    client,
    assert,
  }) => {
    const { admin, municipality: shinjuku } = await createSecondTenant()
    const record = await resident('MN-000103')
    const browser = await signedIn(client, admin.email)
    const own = await browser.post(`/m/shinjuku/residents/${record.id}/claim-code`)
    own.assertStatus(404)
    const foreign = await browser.post(`/m/minato/residents/${record.id}/claim-code`)
    foreign.assertStatus(404)
    const refused = await db
      .from('audit_events')
      .where({ municipality_id: shinjuku.id, action: 'resident.not_found' })
    assert.lengthOf(refused, 1)
    assert.equal(JSON.parse(refused[0].details).resident_id, record.id)
    assert.lengthOf(await db.from('resident_claim_codes').where('resident_id', record.id), 0)
  })
})

test.group('Resident account: linking the record', (group) => {
  isolatedTests(group, (id) => (firstEventId = id))

  test('the link page needs a signed-in account; Minato is chosen already', async ({
    client,
    assert,
  }) => {
    const anonymous = await client.get('/my/link').redirects(0)
    assert.equal(anonymous.status(), 302)
    assert.equal(anonymous.header('location'), '/login')

    const { browser } = await newcomer(client)
    const page = await browser.get('/my/link')
    page.assertStatus(200)
    page.assertInertiaComponent('residents/resident/link')
    assert.deepEqual(page.body().props.municipalities, [{ slug: 'minato', name: '港区' }])
  })

  test('the ID and code as typed on a phone link the account; home with a notice', async ({
    client,
    assert,
  }) => {
    const { code, record } = await issueCode(client)
    const { user, browser } = await newcomer(client)
    await browser.get('/my/link')
    const response = await browser.post('/my/link', {
      municipality: 'minato',
      resident_number: 'mn-000103',
      code: code.toLowerCase().replaceAll('-', ' '),
    })
    response.assertStatus(302)
    assert.equal(response.header('location'), '/')
    const home = await browser.get('/')
    assert.equal(home.body().flash.notice, '港区の利用者情報と結び付けました。これから使えます。')

    await record.refresh()
    assert.equal(record.userId, user.id)
    const membership = await Membership.query()
      .where({ user_id: user.id, role: 'resident' })
      .firstOrFail()
    assert.equal(membership.municipalityId, record.municipalityId)
    const profile = await browser.get('/m/minato/my/profile')
    profile.assertStatus(200)
    assert.equal(profile.body().props.profile.residentNumber, 'MN-000103')
    const event = await latestEvent({ action: 'resident.claimed' })
    assert.equal(Number(event.actor_user_id), user.id)
  })

  test('missing fields and a wrong code are explained; nothing is linked', async ({
    client,
    assert,
  }) => {
    const { code, record } = await issueCode(client)
    const { user, browser } = await newcomer(client)
    await browser.get('/my/link')
    const empty = await browser.post('/my/link', {
      municipality: '',
      resident_number: '',
      code: '',
    })
    empty.assertStatus(302)
    let { errors } = await shown(browser, '/my/link')
    assert.equal(errors.resident_number, '利用者IDを入力してください。')
    assert.equal(errors.code, '利用開始コードを入力してください。')
    assert.equal(errors.municipality, 'お住まいの区市町村を入力してください。')

    await browser.post('/my/link', { municipality: 'nowhere', resident_number: 'MN-000103', code })
    ;({ errors } = await shown(browser, '/my/link'))
    assert.equal(errors.municipality, '区市町村を一覧から選んでください。')

    const generic =
      '利用者IDかコードが違うか、コードの期限が切れています。紙を見ながら、もう一度入力してください。うまくいかないときは、センターにお問い合わせください。'
    for (const [residentNumber, typed] of [
      ['MN-000103', 'ABCD-EFGH-JKMN'],
      ['MN-999999', code],
      ['MN-000102', code],
    ]) {
      await browser.post('/my/link', {
        municipality: 'minato',
        resident_number: residentNumber,
        code: typed,
      })
      ;({ errors } = await shown(browser, '/my/link'))
      assert.equal(errors.code, generic, residentNumber)
    }
    await record.refresh()
    assert.isNull(record.userId)
    assert.lengthOf(await Membership.query().where('user_id', user.id), 0)
    assert.lengthOf(await events(record.municipalityId, 'resident.claim_denied', firstEventId), 3)
  })

  test('English readers get English reasons', async ({ client, assert }) => {
    const { browser } = await newcomer(client)
    await browser.get('/my/link')
    await browser.put('/locale', { locale: 'en' })
    await browser.post('/my/link', {
      municipality: 'minato',
      resident_number: 'MN-000103',
      code: 'x',
    })
    const { errors } = await shown(browser, '/my/link')
    assert.match(errors.code, /^The resident ID or the code is not right/)
  })

  test('after five wrong codes the account waits, even with the right code', async ({
    client,
    assert,
  }) => {
    const { code, record } = await issueCode(client)
    const { browser } = await newcomer(client)
    await browser.get('/my/link')
    for (let attempt = 0; attempt < 5; attempt++) {
      await browser.post('/my/link', {
        municipality: 'minato',
        resident_number: 'MN-000103',
        code: 'WRONG',
      })
    }
    await browser.post('/my/link', { municipality: 'minato', resident_number: 'MN-000103', code })
    const { errors } = await shown(browser, '/my/link')
    assert.match(errors.code, /^間違いが続いたため、しばらく入力できません。15分ほど/)
    await record.refresh()
    assert.isNull(record.userId)
  })

  test('an account already linked in Minato is told so', async ({ client, assert }) => {
    const { code, record } = await issueCode(client)
    const hanako = await signedIn(client, 'hanako@example.jp')
    await hanako.get('/my/link')
    await hanako.post('/my/link', { municipality: 'minato', resident_number: 'MN-000103', code })
    const { errors } = await shown(hanako, '/my/link')
    assert.equal(
      errors.municipality,
      'このアカウントは、この区市町村にもう登録があります。ホームから使えます。'
    )
    await record.refresh()
    assert.isNull(record.userId)
  })
})

test.group('Resident account: first-time registration', (group) => {
  isolatedTests(group, (id) => (firstEventId = id))

  test('a new resident registers with an expected child and goes on to apply', async ({
    client,
    assert,
  }) => {
    const { user, browser } = await newcomer(client)
    const page = await browser.get('/my/start')
    page.assertStatus(200)
    page.assertInertiaComponent('residents/resident/start')
    const response = await browser.post('/my/start', {
      ...NEWCOMER,
      children: [
        { due_date: daysFromToday(90), birth_date: '', given_name: '', multiple_birth: false },
        // An empty row is no child
        { due_date: '', birth_date: '', given_name: '', multiple_birth: false },
      ],
    })
    response.assertStatus(302)
    assert.equal(response.header('location'), '/m/minato/my/apply')

    const created = await Resident.query().where('user_id', user.id).firstOrFail()
    assert.match(created.residentNumber, /^WEB-\d{6}$/)
    assert.include(created.serialize(), {
      familyName: '中村',
      familyNameKana: 'ナカムラ',
      phone: '080-1111-2222',
    })
    const children = await Child.query().where('resident_id', created.id)
    assert.deepEqual(
      children.map((child) => child.dueDate),
      [daysFromToday(90)]
    )
    const event = await latestEvent({ action: 'resident.self_registered' })
    assert.equal(Number(event.subject_resident_id), created.id)
    // The notice waits for the next page (the apply page, or any other)
    const profile = await browser.get('/m/minato/my/profile')
    profile.assertStatus(200)
    assert.equal(
      profile.body().flash.notice,
      '登録しました。続けて、使いたいサービスに申し込んでください。'
    )
  })

  test('the phone number may be left out, as on the profile and the staff form', async ({
    client,
    assert,
  }) => {
    const { user, browser } = await newcomer(client)
    await browser.get('/my/start')
    const response = await browser.post('/my/start', { ...NEWCOMER, phone: '' })
    response.assertStatus(302)
    assert.equal(response.header('location'), '/m/minato/my/apply')
    const created = await Resident.query().where('user_id', user.id).firstOrFail()
    assert.isNull(created.phone)
  })

  test('bad input is explained under each field and nothing is saved', async ({
    client,
    assert,
  }) => {
    const { user, browser } = await newcomer(client)
    await browser.get('/my/start')
    await browser.post('/my/start', {
      ...NEWCOMER,
      family_name: '',
      family_name_kana: 'なかむら',
      phone: '',
      children: [{ due_date: '', birth_date: '2026年2月30日', given_name: '' }],
    })
    let { errors } = await shown(browser, '/my/start')
    assert.equal(errors.family_name, '姓を入力してください。')
    assert.equal(errors.family_name_kana, '姓（カナ）はカタカナで入力してください。')
    // the phone is optional here, as on the profile and the staff form
    assert.notProperty(errors, 'phone')
    assert.equal(errors['children.0.birth_date'], '生年月日の日付はカレンダーにありません。')

    await browser.post('/my/start', {
      ...NEWCOMER,
      children: [{ due_date: '', birth_date: daysFromToday(3), given_name: '' }],
    })
    ;({ errors } = await shown(browser, '/my/start'))
    assert.equal(
      errors['children.0.birth_date'],
      '生年月日に未来の日付は入れられません。生まれる前なら出産予定日に入力してください。'
    )
    assert.isNull(await Resident.query().where('user_id', user.id).first())
    assert.lengthOf(await Membership.query().where('user_id', user.id), 0)
  })

  test('an account with a record in Minato cannot register again', async ({ client, assert }) => {
    const hanako = await signedIn(client, 'hanako@example.jp')
    const before = await Resident.query().count('* as total')
    await hanako.get('/my/start')
    await hanako.post('/my/start', { ...NEWCOMER, children: [] })
    const { errors } = await shown(hanako, '/my/start')
    assert.equal(
      errors.municipality,
      'このアカウントは、この区市町村にもう登録があります。ホームから使えます。'
    )
    const after = await Resident.query().count('* as total')
    assert.equal(after[0].$extras.total, before[0].$extras.total)
  })
})

test.group('Resident account: profile and children', (group) => {
  isolatedTests(group, (id) => (firstEventId = id))

  const HANAKO = {
    family_name: '山田',
    given_name: '花子',
    family_name_kana: 'ヤマダ',
    given_name_kana: 'ハナコ',
    phone: '090-9999-0101',
  }

  test('the profile shows her details and children, nothing staff keep', async ({
    client,
    assert,
  }) => {
    const hanako = await resident('MN-000101')
    await hanako.merge({ householdNotes: '夫は単身赴任中' }).save()
    await Child.create({
      municipalityId: hanako.municipalityId,
      residentId: hanako.id,
      dueDate: daysFromToday(60),
      multipleBirth: false,
    })
    const browser = await signedIn(client, 'hanako@example.jp')
    const page = await browser.get('/m/minato/my/profile')
    page.assertStatus(200)
    page.assertInertiaComponent('residents/resident/profile')
    const { profile } = page.body().props
    assert.include(profile, {
      residentNumber: 'MN-000101',
      familyName: '山田',
      phone: '090-0000-0101',
    })
    assert.lengthOf(profile.children, 1)
    assert.include(profile.children[0], { dueDate: daysFromToday(60), datesLocked: false })
    assert.notProperty(profile, 'householdNotes')
    assert.notInclude(JSON.stringify(page.body()), '単身赴任')
  })

  test('she changes her phone: saved, audited with her role and the field name', async ({
    client,
    assert,
  }) => {
    const browser = await signedIn(client, 'hanako@example.jp')
    await browser.get('/m/minato/my/profile')
    const response = await browser.put('/m/minato/my/profile', HANAKO)
    assert.oneOf(response.status(), [302, 303])
    assert.equal(response.header('location'), '/m/minato/my/profile')
    const page = await browser.get('/m/minato/my/profile')
    assert.equal(page.body().flash.notice, '登録情報を保存しました。')
    const hanako = await resident('MN-000101')
    assert.equal(hanako.phone, '090-9999-0101')
    const event = await latestEvent({ action: 'resident.updated' })
    assert.equal(event.actor_role, 'resident')
    assert.equal(Number(event.subject_resident_id), hanako.id)
    assert.deepEqual(JSON.parse(event.details).changed, ['phone'])
  })

  test('bad profile input is explained and nothing changes', async ({ client, assert }) => {
    const browser = await signedIn(client, 'hanako@example.jp')
    await browser.get('/m/minato/my/profile')
    const city = await minato()
    const updates = await events(city.id, 'resident.updated')
    const before = updates.length
    await browser.put('/m/minato/my/profile', {
      ...HANAKO,
      given_name: '',
      given_name_kana: 'Hanako',
      phone: '12345',
    })
    const { errors } = await shown(browser, '/m/minato/my/profile')
    assert.equal(errors.given_name, '名を入力してください。')
    assert.equal(errors.given_name_kana, '名（カナ）はカタカナで入力してください。')
    assert.equal(errors.phone, '電話番号は0から始まる10桁か11桁の番号で入力してください。')
    const hanako = await resident('MN-000101')
    assert.equal(hanako.givenName, '花子')
    assert.equal(hanako.phone, '090-0000-0101')
    assert.lengthOf(await events(hanako.municipalityId, 'resident.updated'), before)
  })

  test('she adds an expected child, then records the birth; both audited', async ({
    client,
    assert,
  }) => {
    const hanako = await resident('MN-000101')
    const browser = await signedIn(client, 'hanako@example.jp')
    await browser.get('/m/minato/my/profile')
    const added = await browser.post('/m/minato/my/children', {
      due_date: daysFromToday(30),
      birth_date: '',
      given_name: '',
      multiple_birth: false,
    })
    added.assertStatus(302)
    assert.equal(added.header('location'), '/m/minato/my/profile#children')
    const child = await Child.query().where('resident_id', hanako.id).firstOrFail()
    assert.equal(child.dueDate, daysFromToday(30))
    const addedEvent = await latestEvent({ action: 'resident.child_added' })
    assert.equal(addedEvent.actor_role, 'resident')

    await browser.get('/m/minato/my/profile')
    const saved = await browser.put(`/m/minato/my/children/${child.id}`, {
      due_date: daysFromToday(30),
      birth_date: daysFromToday(-1),
      given_name: 'さくら',
      multiple_birth: false,
    })
    assert.oneOf(saved.status(), [302, 303])
    await child.refresh()
    assert.equal(child.birthDate, daysFromToday(-1))
    assert.equal(child.givenName, 'さくら')
    const event = await latestEvent({ action: 'resident.child_updated' })
    assert.deepEqual(JSON.parse(event.details).changed, ['given_name', 'birth_date'])
    assert.equal(Number(event.subject_resident_id), hanako.id)

    await browser.post('/m/minato/my/children', { due_date: '', birth_date: '' })
    const { errors } = await shown(browser, '/m/minato/my/profile')
    assert.equal(errors.due_date, '出産予定日か生年月日のどちらかを入力してください。')
    assert.lengthOf(await Child.query().where('resident_id', hanako.id), 1)
  })

  test('with coupons issued, the dates are the center’s to change; the name is hers', async ({
    client,
    assert,
  }) => {
    const hanako = await resident('MN-000101')
    const city = await minato()
    const birthDate = daysFromToday(-30)
    const child = await Child.create({
      municipalityId: city.id,
      residentId: hanako.id,
      birthDate,
      multipleBirth: false,
    })
    await CouponIssuance.issue(
      {
        pluginId: 'postpartum_support',
        programCode: 'postpartum',
        municipalityId: city.id,
        residentId: hanako.id,
        childId: child.id,
        windowKey: 'until_first_birthday',
      },
      await staffOf(city)
    )
    const browser = await signedIn(client, 'hanako@example.jp')
    const page = await browser.get('/m/minato/my/profile')
    assert.isTrue(page.body().props.profile.children[0].datesLocked)

    await browser.put(`/m/minato/my/children/${child.id}`, {
      due_date: '',
      birth_date: daysFromToday(-20),
      given_name: '',
    })
    const { errors } = await shown(browser, '/m/minato/my/profile')
    assert.equal(
      errors.birth_date,
      'このお子さまには利用券が発行されているため、日付はここでは変えられません。センターにご連絡ください。'
    )
    await child.refresh()
    assert.equal(child.birthDate, birthDate)

    await browser.put(`/m/minato/my/children/${child.id}`, {
      birth_date: birthDate,
      given_name: '陽',
    })
    await child.refresh()
    assert.equal(child.givenName, '陽')
  })

  test("another resident's child answers 404, audited, and is not changed", async ({
    client,
    assert,
  }) => {
    const yui = await resident('MN-000102')
    const theirs = await Child.create({
      municipalityId: yui.municipalityId,
      residentId: yui.id,
      birthDate: '2018-05-10',
      multipleBirth: false,
    })
    const browser = await signedIn(client, 'hanako@example.jp')
    await browser.get('/m/minato/my/profile')
    const response = await browser.put(`/m/minato/my/children/${theirs.id}`, {
      birth_date: '2018-05-11',
    })
    response.assertStatus(404)
    const event = await latestEvent({ action: 'resident.not_found' })
    assert.equal(event.outcome, 'denied')
    assert.equal(JSON.parse(event.details).child_id, theirs.id)
    await theirs.refresh()
    assert.equal(theirs.birthDate, '2018-05-10')
  })

  test('staff and provider staff get 403 on the resident pages; other municipalities 404', async ({
    client,
    assert,
  }) => {
    for (const email of ['staff@minato.example', 'owner@aozora.example']) {
      const browser = await signedIn(client, email)
      const page = await browser.get('/m/minato/my/profile')
      assert.equal(page.status(), 403, email)
      const write = await browser.put('/m/minato/my/profile', {
        family_name: '改ざん',
        given_name: '花子',
        family_name_kana: 'カイザン',
        given_name_kana: 'ハナコ',
      })
      assert.oneOf(write.status(), [302, 303, 403], email)
    }
    const { admin } = await createSecondTenant()
    const outsider = await signedIn(client, admin.email)
    const foreign = await outsider.get('/m/minato/my/profile')
    assert.equal(foreign.status(), 404)
    const hanako = await resident('MN-000101')
    assert.equal(hanako.familyName, '山田')
  })
})
