import { test } from '@japa/runner'
import db from '@adonisjs/lucid/services/db'
import type { ApiResponse } from '@japa/api-client'
import CouponRedemption from '#ledger/coupon_redemption'
import Facility from '#tenancy/facility'
import { flashOf, locationOf, type default as BrowserSession } from '#tests/helpers/browser_session'
import { createSecondTenant } from '#tests/helpers/tenants'
import { detailsOf, events, signedIn } from '#tests/helpers/staff_console'
import { isolatedTests } from '#tests/helpers/isolated_tests'
import { HOUR, nextKey, staffOf } from '#tests/helpers/programs'
import {
  POSTPARTUM,
  daysFromToday,
  hanako,
  hanakoWithHours,
  smallLot,
  statusOf,
  waitingAozoraVisit,
} from '#tests/helpers/resident_visits'
import { providerWithStation } from '#tests/helpers/usage_fixtures'

const QUEUE = '/m/minato/provider/approvals'
const OWNER = 'owner@aozora.example'
const HELPER = 'helper@aozora.example'

let before = 0

function expectStatus(response: ApiResponse, status: number) {
  response.assertStatus(status)
}

/** Follows one redirect and returns the page it leads to */
async function follow(browser: BrowserSession, response: ApiResponse) {
  response.assertStatus(302)
  return browser.get(locationOf(response))
}

/** A visit of hanako reserved for another provider, contracted nowhere near Aozora */
async function otherProvidersVisit() {
  const { city, resident } = await hanako()
  const { provider, facility } = await providerWithStation({
    ja: 'みどり家事支援',
    en: 'Midori Care',
    stationJa: 'みどり 本店',
    stationEn: 'Midori main',
  })
  const { redemptionId } = await CouponRedemption.reserve(
    {
      ...POSTPARTUM,
      municipalityId: city.id,
      residentId: resident.id,
      service: 'home_helper',
      visitDate: daysFromToday(5),
      visitStart: '10:00',
      minutes: HOUR,
      providerId: provider.id,
      facilityId: facility.id,
      idempotencyKey: nextKey(),
    },
    await staffOf(city)
  )
  return { redemptionId, facility }
}

test.group('Provider approvals: the queue', (group) => {
  isolatedTests(group, (id) => (before = id))

  test('lists the waiting visits with name, 利用者ID and details, and audits it', async ({
    client,
    assert,
  }) => {
    await hanakoWithHours()
    const { city, resident, redemptionId } = await waitingAozoraVisit()
    const browser = await signedIn(client, HELPER)
    const page = await browser.get(QUEUE)
    page.assertStatus(200)
    page.assertInertiaComponent('visits/provider/approvals/index')
    const props = page.body().props
    const row = props.waiting.find((candidate: { id: number }) => candidate.id === redemptionId)
    assert.include(row, {
      residentNumber: 'MN-000101',
      service: '家事支援（ホームヘルパー）',
      visitDate: daysFromToday(1),
      visitStart: '10:00',
      minutes: 2 * HOUR,
      facility: 'あおぞら 芝浦ステーション',
      state: 'waiting',
    })
    assert.include(row.residentName, '花子')
    assert.equal(props.provider, 'あおぞら家事支援サービス')

    const [event] = await events(city.id, 'provider_approval.listed', before)
    assert.include(detailsOf(event).resident_ids, resident.id)
    assert.include(detailsOf(event).redemption_ids, redemptionId)
  })

  test('filters by one of the provider’s facilities; another facility is 404, audited', async ({
    client,
    assert,
  }) => {
    await hanakoWithHours()
    const { city, redemptionId } = await waitingAozoraVisit()
    const { facility: theirs } = await otherProvidersVisit()
    const own = await Facility.query().where('name_ja', 'あおぞら 芝浦ステーション').firstOrFail()
    const browser = await signedIn(client, OWNER)
    const page = await browser.get(`${QUEUE}?facility=${own.id}`)
    page.assertStatus(200)
    assert.include(
      page.body().props.waiting.map((row: { id: number }) => row.id),
      redemptionId
    )
    const refused = await browser.get(`${QUEUE}?facility=${theirs.id}`)
    refused.assertStatus(404)
    const [event] = await events(city.id, 'facility.not_found', before)
    assert.equal(event.outcome, 'denied')
    assert.equal(detailsOf(event).facility_id, theirs.id)
  })

  test('another provider’s visits are not listed', async ({ client, assert }) => {
    await hanakoWithHours()
    const { redemptionId } = await otherProvidersVisit()
    const browser = await signedIn(client, HELPER)
    const page = await browser.get(QUEUE)
    assert.notInclude(
      page.body().props.waiting.map((row: { id: number }) => row.id),
      redemptionId
    )
  })

  test('residents and municipal staff are refused (403)', async ({ client }) => {
    await hanakoWithHours()
    const { redemptionId } = await waitingAozoraVisit()
    for (const email of ['hanako@example.jp', 'staff@minato.example', 'admin@minato.example']) {
      const browser = await signedIn(client, email)
      expectStatus(await browser.get(QUEUE), 403)
      expectStatus(await browser.get(`${QUEUE}/${redemptionId}`), 403)
    }
  })

  test('another municipality: 404, whoever asks', async ({ client, assert }) => {
    const { municipality, admin } = await createSecondTenant()
    const intruder = await signedIn(client, admin.email)
    expectStatus(await intruder.get(QUEUE), 404)
    // Aozora's owner has no membership in the second municipality.
    const owner = await signedIn(client, OWNER)
    const response = await owner.get(`/m/${municipality.slug}/provider/approvals`)
    response.assertStatus(404)
    assert.equal(response.body().props.kind, 'not_found')
  })
})

test.group('Provider approvals: one visit', (group) => {
  isolatedTests(group, (id) => (before = id))

  test('shows the details and the allowed lengths, audited as a viewing', async ({
    client,
    assert,
  }) => {
    await hanakoWithHours()
    const { city, resident, redemptionId } = await waitingAozoraVisit()
    const browser = await signedIn(client, HELPER)
    const page = await browser.get(`${QUEUE}/${redemptionId}`)
    page.assertStatus(200)
    page.assertInertiaComponent('visits/provider/approvals/show')
    const { visit } = page.body().props
    assert.include(visit, { id: redemptionId, residentNumber: 'MN-000101', state: 'waiting' })
    assert.deepEqual(visit.allowedMinutes, [60, 120, 180, 240])
    const [event] = await events(city.id, 'provider_approval.viewed', before)
    assert.equal(Number(event.subject_resident_id), resident.id)
  })

  test('another provider’s visit, or an unknown one, is 404 for every action, audited', async ({
    client,
    assert,
  }) => {
    await hanakoWithHours()
    const { redemptionId } = await otherProvidersVisit()
    const { city } = await hanako()
    const browser = await signedIn(client, OWNER)
    for (const id of [redemptionId, 987654321]) {
      expectStatus(await browser.get(`${QUEUE}/${id}`), 404)
      expectStatus(await browser.post(`${QUEUE}/${id}/approve`), 404)
      expectStatus(await browser.post(`${QUEUE}/${id}/reject`, { reason: '不要' }), 404)
      expectStatus(await browser.post(`${QUEUE}/${id}/correct`, { minutes: 60 }), 404)
    }
    assert.equal(await statusOf(redemptionId), 'reserved')
    const denied = await events(city.id, 'redemption.not_found', before)
    assert.lengthOf(denied, 8)
    assert.equal(denied[0].outcome, 'denied')
  })

  test('approve: the hours are spent, the resident sees it at once', async ({ client, assert }) => {
    await hanakoWithHours()
    const { city, redemptionId } = await waitingAozoraVisit()
    const browser = await signedIn(client, HELPER)
    await browser.get(`${QUEUE}/${redemptionId}`)
    const response = await browser.post(`${QUEUE}/${redemptionId}/approve`)
    assert.equal(locationOf(response), QUEUE)
    const queue = await follow(browser, response)
    assert.equal(flashOf(queue).notice, '利用を承認しました。')
    assert.equal(queue.body().props.decided[0].id, redemptionId)
    assert.equal(queue.body().props.decided[0].state, 'approved')
    assert.equal(await statusOf(redemptionId), 'posted')
    assert.lengthOf(await events(city.id, 'redemption.approved', before), 1)

    const resident = await signedIn(client, 'hanako@example.jp')
    const visit = await resident.get(`/m/minato/my/visits/${redemptionId}`)
    assert.equal(visit.body().props.visit.state, 'approved')
  })

  test('two staff approving at once: one wins, the other is told in plain words', async ({
    client,
    assert,
  }) => {
    await hanakoWithHours()
    const { city, redemptionId } = await waitingAozoraVisit()
    const owner = await signedIn(client, OWNER)
    const helper = await signedIn(client, HELPER)
    await owner.get(`${QUEUE}/${redemptionId}`)
    await helper.get(`${QUEUE}/${redemptionId}`)
    const answers = await Promise.all([
      owner.post(`${QUEUE}/${redemptionId}/approve`),
      helper.post(`${QUEUE}/${redemptionId}/approve`),
    ])
    const locations = answers.map(locationOf).sort()
    assert.deepEqual(locations, [QUEUE, `${QUEUE}/${redemptionId}`])
    const loser = answers.findIndex((answer) => locationOf(answer) !== QUEUE)
    const page = await follow([owner, helper][loser], answers[loser])
    assert.equal(
      flashOf(page).error,
      'この利用はすでにほかのスタッフが処理しています。画面の内容を確かめてください。'
    )
    assert.equal(page.body().props.visit.state, 'approved')
    assert.lengthOf(await events(city.id, 'redemption.approved', before), 1)
    const redeemed = await db.from('ledger_entries').where({
      redemption_id: redemptionId,
      kind: 'redeem',
    })
    assert.lengthOf(redeemed, 1)
  })

  test('reject needs a reason (translated error, nothing changed); with one the hours go back', async ({
    client,
    assert,
  }) => {
    await hanakoWithHours()
    const { city, redemptionId } = await waitingAozoraVisit()
    const browser = await signedIn(client, HELPER)
    await browser.get(`${QUEUE}/${redemptionId}`)
    const bad = await browser.post(`${QUEUE}/${redemptionId}/reject`, { reason: '   ' })
    const again = await follow(browser, bad)
    assert.match(again.body().props.errors.reason, /不承認の理由/)
    assert.equal(await statusOf(redemptionId), 'reserved')

    const response = await browser.post(`${QUEUE}/${redemptionId}/reject`, {
      reason: '当日訪問できませんでした',
    })
    assert.equal(locationOf(response), QUEUE)
    const queue = await follow(browser, response)
    assert.include(flashOf(queue).notice ?? '', '不承認にしました')
    assert.equal(await statusOf(redemptionId), 'released')
    const [event] = await events(city.id, 'redemption.rejected', before)
    assert.equal(detailsOf(event).redemption_id, redemptionId)

    const resident = await signedIn(client, 'hanako@example.jp')
    const visit = await resident.get(`/m/minato/my/visits/${redemptionId}`)
    assert.include(visit.body().props.visit, {
      state: 'rejected',
      reason: '当日訪問できませんでした',
    })
  })

  test('in English, the refusal and the messages are in English', async ({ client, assert }) => {
    await hanakoWithHours()
    const { redemptionId } = await waitingAozoraVisit()
    const browser = await signedIn(client, HELPER)
    await browser.put('/locale', { locale: 'en' })
    await browser.get(`${QUEUE}/${redemptionId}`)
    const bad = await browser.post(`${QUEUE}/${redemptionId}/reject`, { reason: '' })
    const again = await follow(browser, bad)
    assert.match(again.body().props.errors.reason, /Reason for not approving/)
    const odd = await browser.post(`${QUEUE}/${redemptionId}/correct`, { minutes: 90 })
    const page = await follow(browser, odd)
    assert.equal(page.body().props.errors.minutes, 'A visit lasts 1, 2, 3, 4 hours.')
  })
})

test.group('Provider approvals: correcting the hours', (group) => {
  isolatedTests(group, (id) => (before = id))

  test('a shorter visit: a new reservation replaces the old; both pages follow it', async ({
    client,
    assert,
  }) => {
    await hanakoWithHours()
    const { city, redemptionId } = await waitingAozoraVisit(2 * HOUR)
    const browser = await signedIn(client, HELPER)
    await browser.get(`${QUEUE}/${redemptionId}`)
    const response = await browser.post(`${QUEUE}/${redemptionId}/correct`, { minutes: 60 })
    const match = locationOf(response).match(/\/approvals\/(\d+)$/)
    assert.isNotNull(match)
    const newId = Number(match![1])
    assert.notEqual(newId, redemptionId)
    const page = await follow(browser, response)
    assert.include(flashOf(page).notice ?? '', '訂正しました')
    assert.include(page.body().props.visit, { id: newId, minutes: HOUR, state: 'waiting' })
    assert.equal(await statusOf(redemptionId), 'released')
    assert.equal(await statusOf(newId), 'reserved')

    const [event] = await events(city.id, 'redemption.corrected', before)
    assert.deepInclude(detailsOf(event), {
      redemption_id: redemptionId,
      new_redemption_id: newId,
      from_minutes: 2 * HOUR,
      to_minutes: HOUR,
    })

    // The old address leads to the new visit, for the provider and the resident.
    const old = await browser.get(`${QUEUE}/${redemptionId}`)
    assert.equal(locationOf(old), `${QUEUE}/${newId}`)
    const resident = await signedIn(client, 'hanako@example.jp')
    const residentOld = await resident.get(`/m/minato/my/visits/${redemptionId}`)
    assert.equal(locationOf(residentOld), `/m/minato/my/visits/${newId}`)
    const residentNew = await follow(resident, residentOld)
    assert.include(residentNew.body().props.visit, { id: newId, minutes: HOUR, state: 'waiting' })

    // And the corrected visit is approved like any other.
    const approved = await browser.post(`${QUEUE}/${newId}/approve`)
    assert.equal(locationOf(approved), QUEUE)
    assert.equal(await statusOf(newId), 'posted')
  })

  test('longer than the hours left: refused in plain words, the original stays', async ({
    client,
    assert,
  }) => {
    const { resident } = await hanako()
    await smallLot(resident.id, 2)
    const { city, redemptionId } = await waitingAozoraVisit(2 * HOUR)
    const browser = await signedIn(client, HELPER)
    await browser.get(`${QUEUE}/${redemptionId}`)
    const response = await browser.post(`${QUEUE}/${redemptionId}/correct`, { minutes: 180 })
    assert.equal(locationOf(response), `${QUEUE}/${redemptionId}`)
    const page = await follow(browser, response)
    assert.match(page.body().props.errors.minutes, /残り時間が足りません/)
    assert.equal(await statusOf(redemptionId), 'reserved')
    const rows = await db.from('ledger_redemptions').where('resident_id', resident.id)
    assert.lengthOf(rows, 1)
    assert.lengthOf(await events(city.id, 'redemption.corrected', before), 0)
  })

  test('a length the program does not allow, the same length, or not a number: refused', async ({
    client,
    assert,
  }) => {
    await hanakoWithHours()
    const { redemptionId, resident } = await waitingAozoraVisit(2 * HOUR)
    const browser = await signedIn(client, HELPER)
    await browser.get(`${QUEUE}/${redemptionId}`)
    const cases: [unknown, RegExp][] = [
      [90, /1回の利用時間は 1, 2, 3, 4 時間のいずれかです。/],
      [120, /いまと同じ時間です/],
      ['abc', /実際の利用時間/],
      [-60, /実際の利用時間/],
    ]
    for (const [minutes, message] of cases) {
      const response = await browser.post(`${QUEUE}/${redemptionId}/correct`, { minutes })
      const page = await follow(browser, response)
      assert.match(page.body().props.errors.minutes, message, String(minutes))
    }
    assert.equal(await statusOf(redemptionId), 'reserved')
    const rows = await db.from('ledger_redemptions').where('resident_id', resident.id)
    assert.lengthOf(rows, 1)
  })

  test('an approved visit can no longer be corrected', async ({ client, assert }) => {
    await hanakoWithHours()
    const { city, redemptionId } = await waitingAozoraVisit(2 * HOUR)
    await CouponRedemption.approve(city.id, redemptionId, await staffOf(city))
    const browser = await signedIn(client, HELPER)
    await browser.get(`${QUEUE}/${redemptionId}`)
    const response = await browser.post(`${QUEUE}/${redemptionId}/correct`, { minutes: 60 })
    const page = await follow(browser, response)
    assert.include(flashOf(page).error ?? '', 'すでにほかのスタッフが処理しています')
    assert.equal(await statusOf(redemptionId), 'posted')
  })

  test('residents and municipal staff cannot decide (refused, nothing changed)', async ({
    client,
    assert,
  }) => {
    await hanakoWithHours()
    const { redemptionId } = await waitingAozoraVisit(2 * HOUR)
    for (const email of ['hanako@example.jp', 'staff@minato.example']) {
      const browser = await signedIn(client, email)
      await browser.get('/')
      for (const [action, body] of [
        ['approve', {}],
        ['reject', { reason: 'x' }],
        ['correct', { minutes: 60 }],
      ] as const) {
        const response = await browser.post(`${QUEUE}/${redemptionId}/${action}`, body)
        assert.oneOf(response.status(), [302, 403], `${email} ${action}`)
      }
    }
    assert.equal(await statusOf(redemptionId), 'reserved')
  })
})
