import { test } from '@japa/runner'
import testUtils from '@adonisjs/core/services/test_utils'
import db from '@adonisjs/lucid/services/db'
import type { ApiResponse } from '@japa/api-client'
import BrowserSession from '#tests/helpers/browser_session'
import { DEMO_PASSWORD } from '#database/demo_data'
import CouponRedemption from '#ledger/coupon_redemption'
import VisitTokens from '#visits/visit_tokens'
import LedgerEngine from '#ledger/ledger_engine'
import { HOME_HELP } from '#tests/helpers/usage_fixtures'
import Membership from '#identity/membership'
import Resident from '#residents/resident'
import User from '#identity/user'
import { sha256Hex } from '#shared/sha256'
import { visitLink } from '#visits/visit_links'
import { createSecondTenant } from '#tests/helpers/tenants'
import { events, signedIn, lastAuditEventId } from '#tests/helpers/staff_console'
import { staffOf } from '#tests/helpers/programs'
import { mailsSince } from '#tests/helpers/mailbox'
import {
  aozoraVisit,
  daysFromToday,
  expireVisitToken,
  hanako,
  hanakoWithHours,
  sampleProgramVisit,
  smallLot,
} from '#tests/helpers/resident_visits'

const BASE = '/m/minato/my'

function flashOf(page: ApiResponse) {
  const body = page.body()
  return (body.flash ?? body.props?.flash ?? {}) as { notice?: string; error?: string }
}

function locationOf(response: ApiResponse) {
  return String(response.header('location'))
}

/** Follows one redirect and returns the page it leads to */
async function follow(browser: BrowserSession, response: ApiResponse) {
  response.assertStatus(302)
  return browser.get(locationOf(response))
}

async function signedInResident(client: any) {
  const browser = new BrowserSession(client)
  await browser.signIn('hanako@example.jp', DEMO_PASSWORD)
  return browser
}

async function redemptionsOf(residentId: number) {
  return db.from('ledger_redemptions').where('resident_id', residentId).orderBy('id')
}

async function tokenRow(shortCode: string) {
  return db.from('visit_tokens').where('short_code', shortCode).orderBy('id', 'desc').firstOrFail()
}

let before = 0

/**
 * Hanako's mail with this subject since `since` (other tests' notices may
 * still be on their way through the queue).
 */
async function mailTitled(subject: string, since: Date, about = '') {
  for (let attempt = 0; attempt < 20; attempt++) {
    const mails = await mailsSince('hanako@example.jp', since)
    const found = mails.find((mail) => mail.subject === subject && mail.text.includes(about))
    if (found) return found
  }
  throw new Error(`no mail "${subject}"`)
}

test.group('Resident visits: scan and confirm', (group) => {
  group.each.setup(() => testUtils.db().withGlobalTransaction())
  group.each.setup(async () => {
    before = await lastAuditEventId()
  })

  test('/scan takes a resident to the scan page of their municipality', async ({
    client,
    assert,
  }) => {
    const browser = await signedInResident(client)
    const response = await browser.get('/scan')
    response.assertStatus(302)
    assert.equal(locationOf(response), `${BASE}/scan`)
    const page = await browser.get(`${BASE}/scan`)
    page.assertStatus(200)
    assert.equal(page.body().component, 'visits/resident/scan')
  })

  test('/scan without a resident record goes home with a notice; with two, asks which', async ({
    client,
    assert,
  }) => {
    const staff = await signedIn(client, 'staff@minato.example')
    const home = await follow(staff, await staff.get('/scan'))
    assert.equal(home.body().component, 'home/index')
    assert.include(flashOf(home).notice ?? '', 'まだ利用者の登録がありません')

    const { municipality } = await createSecondTenant()
    const user = await User.findByOrFail('email', 'hanako@example.jp')
    await Membership.create({ userId: user.id, municipalityId: municipality.id, role: 'resident' })
    await Resident.create({
      municipalityId: municipality.id,
      residentNumber: 'SJ-000001',
      familyName: '山田',
      givenName: '花子',
      familyNameKana: 'ヤマダ',
      givenNameKana: 'ハナコ',
      userId: user.id,
    })
    const browser = await signedInResident(client)
    const choice = await browser.get('/scan')
    choice.assertStatus(200)
    assert.equal(choice.body().component, 'visits/resident/choose')
    assert.deepEqual(
      choice.body().props.places.map((place: { slug: string }) => place.slug),
      ['minato', 'shinjuku']
    )
  })

  test('the visit link opens the confirm page with the details and the hours before and after', async ({
    client,
    assert,
  }) => {
    await hanakoWithHours()
    const { token } = await aozoraVisit()
    const link = new URL(visitLink('minato', token))
    assert.equal(link.pathname, `${BASE}/visit`)
    const browser = await signedInResident(client)
    const page = await browser.get(`${link.pathname}${link.search}`)
    page.assertStatus(200)
    const { component, props } = page.body()
    assert.equal(component, 'visits/resident/confirm')
    assert.deepEqual(props.credential, { token })
    assert.equal(props.visit.service, '家事支援（ホームヘルパー）')
    assert.equal(props.visit.program, '産前産後家事・育児支援サービス')
    assert.equal(props.visit.facility, 'あおぞら 芝浦ステーション')
    assert.equal(props.visit.provider, 'あおぞら家事支援サービス')
    assert.equal(props.visit.visitStart, '10:00')
    assert.equal(props.visit.minutes, 120)
    assert.deepEqual(props.balance, { before: 128 * 60, after: 126 * 60 })
    // Looking changes nothing.
    const row = await db.from('visit_tokens').where('token_hash', sha256Hex(token)).first()
    assert.isNull(row.consumed_at)
  })

  test('the short code opens the same confirm page; full-width digits are forgiven', async ({
    client,
    assert,
  }) => {
    await hanakoWithHours()
    const { shortCode } = await aozoraVisit()
    const browser = await signedInResident(client)
    const wide = shortCode.replace(/\d/g, (digit) =>
      String.fromCharCode(digit.charCodeAt(0) + 0xfee0)
    )
    const page = await browser.get(`${BASE}/visit?code=${encodeURIComponent(wide)}`)
    page.assertStatus(200)
    assert.equal(page.body().component, 'visits/resident/confirm')
    assert.deepEqual(page.body().props.credential, { code: shortCode })
  })

  test('the confirm address without a token or code shows the scan page', async ({
    client,
    assert,
  }) => {
    const browser = await signedInResident(client)
    const page = await browser.get(`${BASE}/visit`)
    page.assertStatus(200)
    assert.equal(page.body().component, 'visits/resident/scan')
  })

  test('a malformed, unknown, used or expired code goes back to scanning with the reason', async ({
    client,
    assert,
  }) => {
    await hanakoWithHours()
    const browser = await signedInResident(client)
    const cases: [string, string][] = [
      [`${BASE}/visit?code=123`, '番号は8桁の数字で入力してください。'],
      [`${BASE}/visit?token=${'x'.repeat(43)}`, 'このQRコード（番号）は見つかりません。'],
    ]
    const used = await aozoraVisit()
    const { city, resident } = await hanako()
    await VisitTokens.redeem(city.id, resident.id, { token: used.token }, await staffOf(city))
    cases.push([`${BASE}/visit?code=${used.shortCode}`, 'このQRコードはすでに使われています。'])
    const expired = await aozoraVisit({ visitDate: daysFromToday(3) })
    await expireVisitToken(expired.shortCode)

    for (const [url, message] of cases) {
      const response = await browser.get(url)
      assert.equal(response.status(), 302, url)
      assert.equal(locationOf(response), `${BASE}/scan`, url)
      const page = await browser.get(`${BASE}/scan`)
      assert.include(flashOf(page).error ?? '', message, url)
    }

    // An expired QR is often one opened a while ago: said calmly, not as an error.
    const response = await browser.get(`${BASE}/visit?token=${expired.token}`)
    assert.equal(locationOf(response), `${BASE}/scan`)
    const page = await browser.get(`${BASE}/scan`)
    assert.isUndefined(flashOf(page).error)
    assert.include(flashOf(page).notice ?? '', '確認できる時間（10分）が過ぎていました')
  })

  test('single-parent home help: the co-payment per hour and the visit’s total, before and after', async ({
    client,
    assert,
  }) => {
    const { city, resident } = await hanako()
    // Tier VII: ¥1,290 an hour
    await LedgerEngine.grant({
      municipalityId: city.id,
      residentId: resident.id,
      pluginId: HOME_HELP.pluginId,
      programCode: HOME_HELP.programCode,
      definitionVersion: HOME_HELP.version,
      services: ['housework', 'childcare'],
      copaymentTier: 'VII',
      validFrom: daysFromToday(-30),
      validTo: daysFromToday(60),
      minutes: 48 * 60,
    })
    const { token } = await aozoraVisit({
      pluginId: HOME_HELP.pluginId,
      programCode: HOME_HELP.programCode,
      service: 'childcare',
      minutes: 180,
    })
    const browser = await signedInResident(client)
    const confirm = await browser.get(`${BASE}/visit?token=${token}`)
    assert.deepEqual(confirm.body().props.copayment, { yenPerHour: 1290, totalYen: 3870 })
    const response = await browser.post(`${BASE}/visit`, { token })
    const page = await follow(browser, response)
    assert.equal(page.body().props.visit.state, 'waiting')
    assert.deepEqual(page.body().props.copayment, { yenPerHour: 1290, totalYen: 3870 })

    // A program without co-payment says nothing of it
    await hanakoWithHours()
    const postpartum = await aozoraVisit()
    const other = await browser.get(`${BASE}/visit?token=${postpartum.token}`)
    assert.isNull(other.body().props.copayment)
  })

  test('confirming reserves the hours, uses the token and opens the visit page', async ({
    client,
    assert,
  }) => {
    const { resident } = await hanakoWithHours()
    const { token } = await aozoraVisit()
    const browser = await signedInResident(client)
    await browser.get(`${BASE}/visit?token=${token}`)
    const response = await browser.post(`${BASE}/visit`, { token })
    const [redemption] = await redemptionsOf(resident.id)
    assert.equal(redemption.status, 'reserved')
    assert.equal(Number(redemption.minutes), 120)
    assert.equal(locationOf(response), `${BASE}/visits/${redemption.id}`)

    const page = await follow(browser, response)
    assert.equal(page.body().component, 'visits/resident/show')
    assert.equal(page.body().props.visit.state, 'waiting')
    assert.isNull(page.body().props.minutesLeft)
    assert.include(flashOf(page).notice ?? '', '利用を受け付けました')

    const row = await db.from('visit_tokens').where('token_hash', sha256Hex(token)).first()
    assert.isNotNull(row.consumed_at)
    assert.equal(Number(row.redemption_id), Number(redemption.id))
    const [event] = await events(resident.municipalityId, 'redemption.reserved', before)
    assert.equal(event.actor_role, 'resident')
    assert.equal(Number(event.subject_resident_id), resident.id)
  })

  test('confirming with the short code works once', async ({ client, assert }) => {
    const { resident } = await hanakoWithHours()
    const { shortCode } = await aozoraVisit()
    const browser = await signedInResident(client)
    const first = await browser.post(`${BASE}/visit`, { code: shortCode })
    assert.match(locationOf(first), /\/my\/visits\/\d+$/)
    const second = await browser.post(`${BASE}/visit`, { code: shortCode })
    assert.equal(locationOf(second), `${BASE}/scan`)
    const page = await browser.get(`${BASE}/scan`)
    assert.include(flashOf(page).error ?? '', 'すでに使われています')
    assert.lengthOf(await redemptionsOf(resident.id), 1)
  })

  test('the ledger’s refusals come back translated at the confirm page and change nothing', async ({
    client,
    assert,
  }) => {
    const { resident } = await hanako()
    await smallLot(resident.id, 1)
    const browser = await signedInResident(client)

    // Not enough hours: a 2-hour visit on a 1-hour lot.
    const short = await aozoraVisit()
    let response = await browser.post(`${BASE}/visit`, { token: short.token })
    assert.equal(locationOf(response), `${BASE}/visit?token=${encodeURIComponent(short.token)}`)
    let page = await browser.get(locationOf(response))
    assert.equal(page.body().component, 'visits/resident/confirm')
    assert.include(flashOf(page).error ?? '', '残り時間が足りません（残り1時間、必要2時間）')
    assert.isNull(page.body().props.balance.after)
    const shortRow = await tokenRow(short.shortCode)
    assert.isNull(shortRow.consumed_at)

    // Outside the lot's days: no valid lot.
    const later = await aozoraVisit({ visitDate: '2099-01-05', minutes: 60 })
    response = await browser.post(`${BASE}/visit`, { code: later.shortCode })
    assert.equal(locationOf(response), `${BASE}/visit?code=${later.shortCode}`)
    page = await browser.get(locationOf(response))
    assert.include(flashOf(page).error ?? '', 'この日に使えるクーポンがありません。')

    // Outside the program's hours is refused when the provider starts it.
    // Daily visits: one a day.
    const first = await aozoraVisit({ minutes: 60 })
    await browser.post(`${BASE}/visit`, { token: first.token })
    const again = await aozoraVisit({ minutes: 60, visitStart: '15:00' })
    response = await browser.post(`${BASE}/visit`, { token: again.token })
    page = await browser.get(locationOf(response))
    assert.include(flashOf(page).error ?? '', '1日1回までです')
    const againRow = await tokenRow(again.shortCode)
    assert.isNull(againRow.consumed_at)
    assert.lengthOf(await redemptionsOf(resident.id), 1)
  })

  test('sub-cap and service period refusals are shown in plain words', async ({
    client,
    assert,
  }) => {
    const { resident } = await hanakoWithHours()
    const browser = await signedInResident(client)
    // The doula lasts until the child is 7 months old: a visit far later is refused.
    const late = await aozoraVisit({ service: 'doula', visitDate: daysFromToday(240), minutes: 60 })
    const response = await browser.post(`${BASE}/visit`, { token: late.token })
    const page = await browser.get(locationOf(response))
    assert.match(flashOf(page).error ?? '', /家事・育児支援（産後ドゥーラ）は.*までのご利用です。/)
    assert.lengthOf(await redemptionsOf(resident.id), 0)
  })

  test('two confirmations of one QR at once reserve once', async ({ client, assert }) => {
    const { resident } = await hanakoWithHours()
    const { token } = await aozoraVisit()
    const browser = await signedInResident(client)
    const answers = await Promise.all([
      browser.post(`${BASE}/visit`, { token }),
      browser.post(`${BASE}/visit`, { token }),
    ])
    const locations = answers.map(locationOf).sort()
    assert.equal(locations.filter((location) => /\/visits\/\d+$/.test(location)).length, 1)
    assert.include(locations, `${BASE}/scan`)
    assert.lengthOf(await redemptionsOf(resident.id), 1)
  })

  test('a bad or missing credential on confirm changes nothing', async ({ client, assert }) => {
    const { resident } = await hanakoWithHours()
    const browser = await signedInResident(client)
    for (const body of [{}, { code: 'abc' }, { token: '<script>' }]) {
      const response = await browser.post(`${BASE}/visit`, body)
      assert.equal(locationOf(response), `${BASE}/scan`)
    }
    assert.lengthOf(await redemptionsOf(resident.id), 0)
  })

  test('wrong short codes are limited per account', async ({ client, assert }) => {
    await hanakoWithHours()
    const { shortCode } = await aozoraVisit()
    const browser = await signedInResident(client)
    const wrong = shortCode === '00000000' ? '00000001' : '00000000'
    for (let attempt = 0; attempt < 10; attempt++) await browser.get(`${BASE}/visit?code=${wrong}`)
    const response = await browser.get(`${BASE}/visit?code=${shortCode}`)
    assert.equal(locationOf(response), `${BASE}/scan`)
    const page = await browser.get(`${BASE}/scan`)
    assert.include(flashOf(page).error ?? '', '何度もまちがえた')
  })
})

test.group('Resident visits: following a visit', (group) => {
  group.each.setup(() => testUtils.db().withGlobalTransaction())
  group.each.setup(async () => {
    before = await lastAuditEventId()
  })

  async function reserved() {
    const { city, resident } = await hanakoWithHours()
    const { token } = await aozoraVisit()
    const { redemptionId } = await VisitTokens.redeem(
      city.id,
      resident.id,
      { token },
      await staffOf(city)
    )
    return { city, resident, redemptionId, by: await staffOf(city) }
  }

  test('the visit page shows waiting, then approved with the hours left', async ({
    client,
    assert,
  }) => {
    const { city, redemptionId, by } = await reserved()
    const browser = await signedInResident(client)
    let page = await browser.get(`${BASE}/visits/${redemptionId}`)
    assert.equal(page.body().props.visit.state, 'waiting')
    await CouponRedemption.approve(city.id, redemptionId, by)
    page = await browser.get(`${BASE}/visits/${redemptionId}`)
    const { props } = page.body()
    assert.equal(props.visit.state, 'approved')
    assert.equal(props.minutesLeft, 126 * 60)
    assert.isTrue(props.survey.offered)
    assert.isNull(props.survey.status)
  })

  test('rejected and cancelled visits show their reason', async ({ client, assert }) => {
    const { city, redemptionId, by } = await reserved()
    const browser = await signedInResident(client)
    await CouponRedemption.reject(city.id, redemptionId, '訪問できませんでした', by)
    let page = await browser.get(`${BASE}/visits/${redemptionId}`)
    assert.equal(page.body().props.visit.state, 'rejected')
    assert.equal(page.body().props.visit.reason, '訪問できませんでした')
    assert.isFalse(page.body().props.survey.offered)

    const other = await aozoraVisit({ visitDate: daysFromToday(3) })
    const { resident } = await hanako()
    const { redemptionId: second } = await VisitTokens.redeem(
      city.id,
      resident.id,
      { token: other.token },
      by
    )
    await CouponRedemption.approve(city.id, second, by)
    await CouponRedemption.cancel(city.id, second, '入力誤り', by)
    page = await browser.get(`${BASE}/visits/${second}`)
    assert.equal(page.body().props.visit.state, 'cancelled')
    assert.equal(page.body().props.visit.reason, '入力誤り')
  })

  test('another resident’s visit is 404 and audited', async ({ client, assert }) => {
    const { city, by } = await reserved()
    const yui = await Resident.findByOrFail({
      municipalityId: city.id,
      residentNumber: 'MN-000102',
    })
    await smallLot(yui.id, 4)
    const theirs = await aozoraVisit({ visitDate: daysFromToday(4) })
    const { redemptionId } = await VisitTokens.redeem(city.id, yui.id, { token: theirs.token }, by)
    const browser = await signedInResident(client)
    for (const url of [
      `${BASE}/visits/${redemptionId}`,
      `${BASE}/visits/${redemptionId}/survey`,
      `${BASE}/visits/999999`,
    ]) {
      const response = await browser.get(url)
      assert.equal(response.status(), 404, url)
    }
    const denied = await events(city.id, 'redemption.not_found', before)
    assert.lengthOf(denied, 3)
    assert.equal(denied[0].outcome, 'denied')
  })

  test('staff and provider roles get 403; another municipality 404', async ({ client, assert }) => {
    const { redemptionId } = await reserved()
    for (const email of [
      'staff@minato.example',
      'admin@minato.example',
      'owner@aozora.example',
      'helper@aozora.example',
    ]) {
      const browser = await signedIn(client, email)
      for (const url of [`${BASE}/scan`, `${BASE}/visit`, `${BASE}/visits/${redemptionId}`]) {
        const response = await browser.get(url)
        assert.equal(response.status(), 403, `${email} ${url}`)
      }
      const post = await browser.post(`${BASE}/visit`, { code: '12345678' })
      assert.notEqual(post.status(), 200)
    }
    const { admin } = await createSecondTenant()
    const intruder = new BrowserSession(client)
    await intruder.signIn(admin.email, DEMO_PASSWORD)
    const response = await intruder.get(`${BASE}/visits/${redemptionId}`)
    response.assertStatus(404)
  })
})

test.group('Resident visits: survey', (group) => {
  group.each.setup(() => testUtils.db().withGlobalTransaction())
  group.each.setup(async () => {
    before = await lastAuditEventId()
  })

  async function approved() {
    const { city, resident } = await hanakoWithHours()
    const { token } = await aozoraVisit()
    const by = await staffOf(city)
    const { redemptionId } = await VisitTokens.redeem(city.id, resident.id, { token }, by)
    await CouponRedemption.approve(city.id, redemptionId, by)
    return { city, resident, redemptionId }
  }

  test('the survey asks the plugin’s questions and remembers the answers once', async ({
    client,
    assert,
  }) => {
    const { city, resident, redemptionId } = await approved()
    const browser = await signedInResident(client)
    const page = await browser.get(`${BASE}/visits/${redemptionId}/survey`)
    page.assertStatus(200)
    assert.equal(page.body().component, 'visits/resident/survey')
    assert.deepEqual(
      page.body().props.questions.map((question: { key: string }) => question.key),
      ['satisfaction', 'would_use_again', 'comment']
    )
    assert.equal(page.body().props.questions[0].label, '今回の支援はいかがでしたか')

    const response = await browser.post(`${BASE}/visits/${redemptionId}/survey`, {
      answers: { satisfaction: 5, would_use_again: true, comment: '助かりました', extra: 'x' },
    })
    assert.equal(locationOf(response), `${BASE}/visits/${redemptionId}`)
    const visit = await follow(browser, response)
    assert.include(flashOf(visit).notice ?? '', 'アンケートを送信しました')
    const { survey } = visit.body().props
    assert.equal(survey.status, 'answered')
    assert.deepEqual(
      survey.answers.map((answer: { label: string; value: string }) => [
        answer.label,
        answer.value,
      ]),
      [
        ['今回の支援はいかがでしたか', '5'],
        ['また利用したいですか', 'はい'],
        ['ご意見（任意）', '助かりました'],
      ]
    )
    const row = await db.from('survey_responses').where('redemption_id', redemptionId).first()
    assert.equal(row.status, 'answered')
    assert.deepEqual(JSON.parse(row.answers), {
      satisfaction: 5,
      would_use_again: true,
      comment: '助かりました',
    })
    const [event] = await events(city.id, 'survey.answered', before)
    assert.equal(Number(event.subject_resident_id), resident.id)
    assert.notInclude(event.details, '助かりました')

    // Once: a second answer or a decline changes nothing.
    const again = await browser.post(`${BASE}/visits/${redemptionId}/survey`, { decline: true })
    const after = await follow(browser, again)
    assert.include(flashOf(after).error ?? '', 'すでにお答えいただいています')
    assert.equal(after.body().props.survey.status, 'answered')
    const rows = await db.from('survey_responses').where('redemption_id', redemptionId)
    assert.lengthOf(rows, 1)
    const form = await browser.get(`${BASE}/visits/${redemptionId}/survey`)
    assert.equal(locationOf(form), `${BASE}/visits/${redemptionId}`)
  })

  test('“not this time” is remembered as declined', async ({ client, assert }) => {
    const { city, redemptionId } = await approved()
    const browser = await signedInResident(client)
    const response = await browser.post(`${BASE}/visits/${redemptionId}/survey`, {
      decline: true,
    })
    const visit = await follow(browser, response)
    assert.equal(visit.body().props.survey.status, 'declined')
    const row = await db.from('survey_responses').where('redemption_id', redemptionId).first()
    assert.equal(row.status, 'declined')
    assert.isNull(row.answers)
    assert.lengthOf(await events(city.id, 'survey.declined', before), 1)
  })

  test('bad answers are shown at their question and nothing is stored', async ({
    client,
    assert,
  }) => {
    const { redemptionId } = await approved()
    const browser = await signedInResident(client)
    await browser.get(`${BASE}/visits/${redemptionId}/survey`)
    const response = await browser.post(`${BASE}/visits/${redemptionId}/survey`, {
      answers: { satisfaction: 9, comment: 'あ'.repeat(501) },
    })
    const page = await follow(browser, response)
    const errors = page.body().props.errors
    assert.include(errors.satisfaction, '今回の支援はいかがでしたか')
    assert.include(errors.comment, '500文字以内')
    assert.lengthOf(await db.from('survey_responses').where('redemption_id', redemptionId), 0)
  })

  test('before approval the survey is refused; a program without a survey is 404', async ({
    client,
    assert,
  }) => {
    const { city, resident } = await hanakoWithHours()
    const by = await staffOf(city)
    const waiting = await aozoraVisit()
    const { redemptionId } = await VisitTokens.redeem(
      city.id,
      resident.id,
      { token: waiting.token },
      by
    )
    const browser = await signedInResident(client)
    const response = await browser.post(`${BASE}/visits/${redemptionId}/survey`, {
      answers: { satisfaction: 4 },
    })
    const page = await follow(browser, response)
    assert.include(flashOf(page).error ?? '', '承認したあとに')
    assert.lengthOf(await db.from('survey_responses').where('redemption_id', redemptionId), 0)

    const sample = await sampleProgramVisit(resident.id)
    const { redemptionId: sampleVisit } = await VisitTokens.redeem(
      city.id,
      resident.id,
      { token: sample.token },
      by
    )
    await CouponRedemption.approve(city.id, sampleVisit, by)
    const visit = await browser.get(`${BASE}/visits/${sampleVisit}`)
    assert.isFalse(visit.body().props.survey.offered)
    const survey = await browser.get(`${BASE}/visits/${sampleVisit}/survey`)
    survey.assertStatus(404)
  })
})

test.group('Resident visits: notification mails', (group) => {
  group.each.setup(() => testUtils.db().withGlobalTransaction())

  async function reservedVisit(visitDate?: string) {
    const { city, resident } = await hanako()
    const { token } = await aozoraVisit(visitDate ? { visitDate } : {})
    const by = await staffOf(city)
    const { redemptionId } = await VisitTokens.redeem(city.id, resident.id, { token }, by)
    return { city, redemptionId, by }
  }

  test('approval, rejection and cancellation mail the resident a link to the visit', async ({
    assert,
  }) => {
    await hanakoWithHours()
    const since = new Date()
    const approvedVisit = await reservedVisit()
    await CouponRedemption.approve(
      approvedVisit.city.id,
      approvedVisit.redemptionId,
      approvedVisit.by
    )
    const approvedMail = await mailTitled('利用が承認されました', since)
    assert.equal(approvedMail.subject, '利用が承認されました')
    assert.include(approvedMail.text, '「家事支援（ホームヘルパー）」（2 時間）')
    assert.include(approvedMail.text, `/m/minato/my/visits/${approvedVisit.redemptionId}`)
    assert.match(approvedMail.text, /\d{4}年\d{1,2}月\d{1,2}日 の/)

    const sinceReject = new Date()
    const rejected = await reservedVisit(daysFromToday(3))
    await CouponRedemption.reject(
      rejected.city.id,
      rejected.redemptionId,
      '不在でした',
      rejected.by
    )
    const rejectMail = await mailTitled('利用が承認されませんでした', sinceReject)
    assert.equal(rejectMail.subject, '利用が承認されませんでした')
    assert.include(rejectMail.text, '理由：不在でした')

    const sinceCancel = new Date()
    await CouponRedemption.cancel(
      approvedVisit.city.id,
      approvedVisit.redemptionId,
      '入力誤り',
      approvedVisit.by
    )
    const cancelMail = await mailTitled('利用が取り消されました', sinceCancel)
    assert.equal(cancelMail.subject, '利用が取り消されました')
    assert.include(cancelMail.text, '理由：入力誤り')
  })

  test('the mail is in the resident’s language', async ({ assert }) => {
    await hanakoWithHours()
    await User.query().where('email', 'hanako@example.jp').update({ preferredLocale: 'en' })
    const since = new Date()
    const visit = await reservedVisit()
    await CouponRedemption.approve(visit.city.id, visit.redemptionId, visit.by)
    const mail = await mailTitled('Your visit was approved', since)
    assert.include(mail.text, '"Home helper" (2 hours)')
  })

  test('a refused approval sends nothing', async ({ assert }) => {
    await hanakoWithHours()
    const visit = await reservedVisit()
    const first = new Date()
    await CouponRedemption.approve(visit.city.id, visit.redemptionId, visit.by)
    const path = `/m/minato/my/visits/${visit.redemptionId}`
    await mailTitled('利用が承認されました', first, path)
    const since = new Date()
    await assert.rejects(() =>
      CouponRedemption.approve(visit.city.id, visit.redemptionId, visit.by)
    )
    const mails = await mailsSince('hanako@example.jp', since)
    assert.lengthOf(
      mails.filter((mail) => mail.text.includes(path)),
      0
    )
  })
})
