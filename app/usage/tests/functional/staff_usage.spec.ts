import { test } from '@japa/runner'
import testUtils from '@adonisjs/core/services/test_utils'
import db from '@adonisjs/lucid/services/db'
import { DateTime } from 'luxon'
import type { ApiResponse } from '@japa/api-client'
import { createSecondTenant } from '#tests/helpers/tenants'
import CouponIssuance, { todayInJapan } from '#ledger/coupon_issuance'
import CouponRedemption from '#ledger/coupon_redemption'
import Provider from '#tenancy/provider'
import Facility from '#tenancy/facility'
import {
  HOUR,
  hoursLeftByService,
  nextKey,
  residentWithChildren,
  staffOf,
  type Household,
} from '#tests/helpers/programs'
import { events, signedIn } from '#tests/helpers/staff_console'

const POSTPARTUM = { pluginId: 'postpartum_support', programCode: 'postpartum' }

async function expectStatus(response: Promise<ApiResponse>, status: number) {
  const answered = await response
  answered.assertStatus(status)
}

async function householdWithHours() {
  const birthDate = DateTime.fromISO(todayInJapan()).minus({ months: 1 }).toISODate()!
  const household = await residentWithChildren([{ birthDate }])
  await CouponIssuance.issue(
    {
      ...POSTPARTUM,
      municipalityId: household.municipality.id,
      residentId: household.resident.id,
      childId: household.children[0].id,
      windowKey: 'until_first_birthday',
    },
    await staffOf(household.municipality)
  )
  return household
}

async function aozoraFacility() {
  const provider = await Provider.findByOrFail('nameJa', 'あおぞら家事支援サービス')
  const facility = await Facility.query().where('provider_id', provider.id).firstOrFail()
  return { provider, facility }
}

async function visit(
  household: Household,
  options: { date: string; service?: string; hours?: number; approve?: boolean; facility?: boolean }
) {
  const by = await staffOf(household.municipality)
  const { provider, facility } = await aozoraFacility()
  const { redemptionId } = await CouponRedemption.reserve(
    {
      ...POSTPARTUM,
      municipalityId: household.municipality.id,
      residentId: household.resident.id,
      service: options.service ?? 'home_helper',
      visitDate: options.date,
      visitStart: '10:00',
      minutes: (options.hours ?? 2) * HOUR,
      idempotencyKey: nextKey(),
      providerId: provider.id,
      facilityId: options.facility === false ? null : facility.id,
    },
    by
  )
  if (options.approve ?? true) {
    await CouponRedemption.approve(household.municipality.id, redemptionId, by)
  }
  return redemptionId
}

async function helperHours(household: Household, onDate: string) {
  const left = await hoursLeftByService(POSTPARTUM, household, onDate)
  return left.home_helper
}

function monthOf(date: string) {
  return date.slice(0, 7)
}

test.group('Staff console: usage', (group) => {
  group.each.setup(() => testUtils.db().withGlobalTransaction())

  test('the month defaults to this month in Japan; rows, totals and the view audited', async ({
    client,
    assert,
  }) => {
    const today = todayInJapan()
    const nextMonth = DateTime.fromISO(today).plus({ months: 1 }).startOf('month').toISODate()!
    const hanako = await householdWithHours()
    await visit(hanako, { date: today, hours: 2 })
    await visit(hanako, { date: nextMonth, hours: 3 })
    const browser = await signedIn(client, 'staff@minato.example')

    const page = await browser.get('/m/minato/usage')
    page.assertStatus(200)
    page.assertInertiaComponent('usage/staff/index')
    const { filters, result, facilities } = page.body().props
    assert.equal(filters.month, monthOf(today))
    assert.equal(result.total, 1)
    const [row] = result.rows
    assert.include(row, {
      visitDate: today,
      visitStart: '10:00',
      residentNumber: hanako.resident.residentNumber,
      service: 'home_helper',
      minutes: 120,
      status: 'posted',
      facility: 'あおぞら 芝浦ステーション',
      provider: 'あおぞら家事支援サービス',
    })
    assert.deepEqual(result.byStatus, { posted: { visits: 1, minutes: 120 } })
    assert.isTrue(facilities.some((facility: any) => facility.name === 'あおぞら 芝浦ステーション'))

    const all = await browser.get(
      `/m/minato/usage?month=all&resident=${hanako.resident.residentNumber}`
    )
    assert.equal(all.body().props.result.total, 2)
    assert.equal(all.body().props.result.byStatus.posted.minutes, 300)

    const [viewed] = await events(hanako.municipality.id, 'usage.viewed')
    assert.equal(Number(viewed.subject_resident_id), hanako.resident.id)
    assert.equal(viewed.actor_role, 'municipal_staff')
  })

  test('filters: resident, program, service, facility, status and month', async ({
    client,
    assert,
  }) => {
    const today = todayInJapan()
    const hanako = await householdWithHours()
    const other = await householdWithHours()
    await visit(hanako, { date: today, service: 'doula', hours: 1 })
    const pending = await visit(other, { date: today, approve: false })
    await visit(other, {
      date: DateTime.fromISO(today).plus({ days: 1 }).toISODate()!,
      facility: false,
    })
    const { facility } = await aozoraFacility()
    const browser = await signedIn(client, 'admin@minato.example')
    const month = monthOf(today)
    const ids = async (query: string) => {
      const page = await browser.get(`/m/minato/usage?month=all&${query}`)
      page.assertStatus(200)
      return page
        .body()
        .props.result.rows.map((row: any) => row.id)
        .sort()
    }
    const only = async (query: string) => {
      const found = await ids(query)
      return found.length
    }

    assert.equal(await only(`resident=${hanako.resident.residentNumber}`), 1)
    assert.equal(await only(`resident=${other.resident.residentNumber}`), 2)
    assert.equal(await only('resident=NOBODY'), 0)
    assert.equal(await only('service=doula'), 1)
    assert.equal(await only('program=postpartum_support/postpartum'), 3)
    assert.equal(await only('program=single_parent_home_help/home_help'), 0)
    assert.equal(await only(`facility=${facility.id}`), 2)
    assert.deepEqual(await ids('status=reserved'), [pending])
    const page = await browser.get(`/m/minato/usage?month=${month}`)
    assert.isAtLeast(page.body().props.result.total, 2)
    assert.equal(await only('status=cancelled'), 0)
  })

  test('bad filters are explained, nothing breaks', async ({ client, assert }) => {
    const browser = await signedIn(client, 'staff@minato.example')
    await browser.get('/m/minato/usage')
    for (const query of ['month=2026-13', 'status=lost', 'facility=abc', 'page=0']) {
      const response = await browser.get(`/m/minato/usage?${query}`)
      assert.equal(response.status(), 302, query)
    }
    await browser.get('/m/minato/usage?month=2026-13')
    const page = await browser.get('/m/minato/usage')
    page.assertStatus(200)
  })

  test('利用取消: an approved visit is cancelled with a reason and its hours come back', async ({
    client,
    assert,
  }) => {
    const today = todayInJapan()
    const hanako = await householdWithHours()
    const visitId = await visit(hanako, { date: today, hours: 3 })
    assert.equal(await helperHours(hanako, today), 125)
    const browser = await signedIn(client, 'staff@minato.example')
    await browser.get('/m/minato/usage')

    await browser.post(`/m/minato/usage/${visitId}/cancel`, { reason: '' })
    let page = await browser.get('/m/minato/usage')
    assert.match(page.body().props.errors.reason, /理由/)

    const done = await browser.post(`/m/minato/usage/${visitId}/cancel`, {
      reason: '訪問なし（入力誤り）',
    })
    done.assertStatus(302)
    page = await browser.get('/m/minato/usage')
    const row = page.body().props.result.rows.find((candidate: any) => candidate.id === visitId)
    assert.include(row, { status: 'cancelled', reason: '訪問なし（入力誤り）' })
    assert.equal(page.body().flash.notice, '利用を取り消しました。時間は利用者に戻りました。')
    assert.equal(await helperHours(hanako, today), 128)
    const [event] = await events(hanako.municipality.id, 'redemption.cancelled')
    assert.equal(Number(event.subject_resident_id), hanako.resident.id)

    // Only approved visits can be cancelled. The page it goes back to has
    // no cancel form for the visit any more: the page's alert says why.
    await browser.post(`/m/minato/usage/${visitId}/cancel`, { reason: 'again' })
    page = await browser.get('/m/minato/usage')
    assert.equal(page.body().flash.error, '承認済みの利用だけを取り消せます。')
    const pending = await visit(hanako, {
      date: DateTime.fromISO(today).plus({ days: 1 }).toISODate()!,
      approve: false,
    })
    await browser.post(`/m/minato/usage/${pending}/cancel`, { reason: 'x' })
    page = await browser.get('/m/minato/usage')
    assert.equal(page.body().flash.error, '承認済みの利用だけを取り消せます。')
    const stillReserved = await db.from('ledger_redemptions').where('id', pending).first()
    assert.equal(stillReserved.status, 'reserved')
  })

  test('providers and residents are refused; another municipality gets 404', async ({
    client,
    assert,
  }) => {
    const hanako = await householdWithHours()
    const visitId = await visit(hanako, { date: todayInJapan() })
    for (const email of ['owner@aozora.example', 'helper@aozora.example', 'hanako@example.jp']) {
      const browser = await signedIn(client, email)
      await expectStatus(browser.get('/m/minato/usage'), 403)
      const response = await browser.post(`/m/minato/usage/${visitId}/cancel`, { reason: 'x' })
      assert.oneOf(response.status(), [302, 303, 403], email)
    }
    const { municipality: shinjuku, admin } = await createSecondTenant()
    const intruder = await signedIn(client, admin.email)
    await expectStatus(
      intruder.get(`/m/minato/usage?resident=${hanako.resident.residentNumber}`),
      404
    )
    const own = await intruder.get('/m/shinjuku/usage?month=all')
    own.assertStatus(200)
    assert.equal(own.body().props.result.total, 0)
    await expectStatus(intruder.post(`/m/shinjuku/usage/${visitId}/cancel`, { reason: 'x' }), 404)
    assert.lengthOf(await events(shinjuku.id, 'redemption.not_found'), 1)
    const redemption = await db.from('ledger_redemptions').where('id', visitId).first()
    assert.equal(redemption.status, 'posted')
  })
})
