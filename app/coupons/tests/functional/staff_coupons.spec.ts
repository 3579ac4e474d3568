import { test } from '@japa/runner'
import testUtils from '@adonisjs/core/services/test_utils'
import db from '@adonisjs/lucid/services/db'
import { DateTime } from 'luxon'
import type { ApiResponse } from '@japa/api-client'
import type BrowserSession from '#tests/helpers/browser_session'
import { createSecondTenant } from '#tests/helpers/tenants'
import { todayInJapan } from '#ledger/coupon_issuance'
import Resident from '#residents/resident'
import Child from '#residents/child'
import { minato } from '#tests/helpers/programs'
import { rules } from '#tests/helpers/tenant_routes/staff_coupons'
import { events, signedIn, lastAuditEventId } from '#tests/helpers/staff_console'

async function expectStatus(response: Promise<ApiResponse>, status: number) {
  const answered = await response
  answered.assertStatus(status)
}

/** MN-000101 with a child born a month ago (the demo seeds no children for tests) */
async function hanakoWithChild() {
  const city = await minato()
  const resident = await Resident.findByOrFail({
    municipalityId: city.id,
    residentNumber: 'MN-000101',
  })
  const birthDate = DateTime.fromISO(todayInJapan()).minus({ months: 1 }).toISODate()!
  const child = await Child.create({
    municipalityId: city.id,
    residentId: resident.id,
    givenName: 'ひなた',
    birthDate,
    multipleBirth: false,
  })
  return { city, resident, child }
}

/** The last audit event before the test: earlier tests' events stay (append-only) */
let before = 0

async function lotsOf(residentId: number) {
  return db.from('ledger_lots').where('resident_id', residentId).orderBy('id')
}

async function errorsAt(browser: BrowserSession, url: string) {
  const page = await browser.get(url)
  return page.body().props.errors
}

async function firstLotField(residentId: number, field: string) {
  const [lot] = await lotsOf(residentId)
  return lot[field]
}

const POSTPARTUM = 'postpartum_support/postpartum'
const HOME_HELP = 'single_parent_home_help/home_help'

test.group('Staff console: coupons', (group) => {
  group.each.setup(async () => {
    before = await lastAuditEventId()
    return testUtils.db().withGlobalTransaction()
  })

  test('staff open a resident’s coupons: lots per program, balances, and the view is audited', async ({
    client,
    assert,
  }) => {
    const { city, resident, child } = await hanakoWithChild()
    const browser = await signedIn(client, 'staff@minato.example')
    const url = `/m/minato/residents/${resident.id}/coupons`
    await browser.get(url)
    const issued = await browser.post(url, {
      program: POSTPARTUM,
      child_id: child.id,
      window: 'until_first_birthday',
    })
    issued.assertStatus(302)
    assert.equal(issued.header('location'), url)

    const page = await browser.get(url)
    page.assertStatus(200)
    page.assertInertiaComponent('coupons/staff/index')
    const props = page.body().props
    assert.equal(props.resident.residentNumber, 'MN-000101')
    assert.match(props.flash?.notice ?? page.body().flash?.notice ?? '', /128 時間を発行しました/)
    const postpartum = props.programs.find((program: any) => program.key === POSTPARTUM)
    assert.equal(postpartum.definition.version, '2024-04')
    assert.lengthOf(postpartum.lots, 1)
    const [lot] = postpartum.lots
    assert.include(lot, {
      grantedMinutes: 128 * 60,
      availableMinutes: 128 * 60,
      status: 'active',
      definitionVersion: '2024-04',
      childId: child.id,
    })
    assert.deepEqual(
      postpartum.balances.map((balance: any) => [balance.service, balance.minutes]),
      [
        ['home_helper', 128 * 60],
        ['doula', 30 * 60],
      ]
    )
    assert.isTrue(props.programs.some((program: any) => program.key === HOME_HELP))

    const [viewed] = await events(city.id, 'coupons.viewed', before)
    assert.equal(Number(viewed.subject_resident_id), resident.id)
    assert.equal(viewed.actor_role, 'municipal_staff')
    assert.lengthOf(await events(city.id, 'coupon.issued', before), 1)
  })

  test('adding hours to a window: the cap refusal is shown under the hours field', async ({
    client,
    assert,
  }) => {
    const { resident, child } = await hanakoWithChild()
    const browser = await signedIn(client, 'admin@minato.example')
    const url = `/m/minato/residents/${resident.id}/coupons`
    await browser.get(url)
    const add = { program: POSTPARTUM, child_id: child.id, window: 'until_first_birthday' }
    await expectStatus(browser.post(url, { ...add, hours: 100 }), 302)
    const refused = await browser.post(url, { ...add, hours: 30 })
    refused.assertStatus(302)
    const page = await browser.get(url)
    assert.match(
      page.body().props.errors.hours,
      /上限を超えるため発行できません（上限128時間、発行済み100時間、今回30時間）/
    )
    await expectStatus(browser.post(url, { ...add, hours: 28 }), 302)
    const lots = await lotsOf(resident.id)
    assert.deepEqual(
      lots.map((lot) => Number(lot.granted_minutes)),
      [100 * 60, 28 * 60]
    )
  })

  test('refusals of the program’s rules land under their fields, in English too', async ({
    client,
    assert,
  }) => {
    const { resident } = await hanakoWithChild()
    const browser = await signedIn(client, 'staff@minato.example')
    const url = `/m/minato/residents/${resident.id}/coupons`
    await browser.get(url)

    await browser.post(url, { program: POSTPARTUM })
    let errors = await errorsAt(browser, url)
    assert.match(errors.child_id, /お子さまの情報/)

    await browser.post(url, { program: HOME_HELP, hours: 30 })
    errors = await errorsAt(browser, url)
    assert.match(errors.copayment_tier, /自己負担の階層を選んでください/)

    await browser.post(url, { program: HOME_HELP, hours: 12, copayment_tier: 'III' })
    errors = await errorsAt(browser, url)
    assert.match(errors.hours, /24時間から48時間の範囲/)

    // No such program: no form on the page is its own, so the page's alert
    await browser.post(url, { program: 'nope/nothing' })
    const alerted = await browser.get(url)
    assert.match(alerted.body().flash.error, /この制度は見つかりません/)

    await browser.post(url, { program: 'not a program', hours: -1 })
    errors = await errorsAt(browser, url)
    assert.properties(errors, ['program', 'hours'])

    await browser.put('/locale', { locale: 'en' })
    await browser.post(url, { program: HOME_HELP, hours: 30 })
    errors = await errorsAt(browser, url)
    assert.match(errors.copayment_tier, /co-payment tier/i)
    assert.lengthOf(await lotsOf(resident.id), 0)

    await browser.post(url, { program: HOME_HELP, hours: 30, copayment_tier: 'III' })
    const [lot] = await lotsOf(resident.id)
    assert.include(lot, { program_code: 'home_help', copayment_tier: 'III' })
    assert.equal(Number(lot.granted_minutes), 30 * 60)
  })

  test('revoke with a reason; the reason is required; audited with the lot', async ({
    client,
    assert,
  }) => {
    const { city, resident, child } = await hanakoWithChild()
    const browser = await signedIn(client, 'staff@minato.example')
    const url = `/m/minato/residents/${resident.id}/coupons`
    await browser.get(url)
    await browser.post(url, { program: POSTPARTUM, child_id: child.id, window: 'second_year' })
    const [lot] = await lotsOf(resident.id)

    const blank = await browser.post(`/m/minato/lots/${lot.id}/revoke`, { reason: '  ' })
    blank.assertStatus(302)
    let page = await browser.get(url)
    assert.match(page.body().props.errors.reason, /理由を入力してください/)
    assert.equal(await firstLotField(resident.id, 'status'), 'active')

    const revoked = await browser.post(`/m/minato/lots/${lot.id}/revoke`, { reason: '転出のため' })
    revoked.assertStatus(302)
    assert.equal(revoked.header('location'), url)
    const [after] = await lotsOf(resident.id)
    assert.equal(after.status, 'revoked')
    assert.equal(Number(after.available_minutes), 0)

    await browser.get(url)
    // A revoked lot has no revoke form on the page: the page's alert says why
    await browser.post(`/m/minato/lots/${lot.id}/revoke`, { reason: 'again' })
    page = await browser.get(url)
    assert.match(page.body().flash.error, /すでに取り消されています/)
    const shown = page
      .body()
      .props.programs.find((program: any) => program.key === POSTPARTUM)
      .lots.find((candidate: any) => candidate.id === lot.id)
    assert.equal(shown.status, 'revoked')
    assert.equal(shown.history[0].reason, '転出のため')

    const [event] = await events(city.id, 'coupon.revoked', before)
    assert.equal(Number(event.subject_resident_id), resident.id)
    assert.equal(event.actor_role, 'municipal_staff')
  })

  test('change the expiry: a later date is saved and audited; refusals are explained', async ({
    client,
    assert,
  }) => {
    const { city, resident, child } = await hanakoWithChild()
    const browser = await signedIn(client, 'staff@minato.example')
    const url = `/m/minato/residents/${resident.id}/coupons`
    await browser.get(url)
    await browser.post(url, {
      program: POSTPARTUM,
      child_id: child.id,
      window: 'until_first_birthday',
    })
    const [lot] = await lotsOf(resident.id)
    const later = DateTime.fromISO(lot.valid_to).plus({ months: 2 }).toISODate()!

    await browser.put(`/m/minato/lots/${lot.id}/expiry`, { valid_to: '2001-01-01', reason: '確認' })
    let errors = await errorsAt(browser, url)
    assert.match(errors.valid_to, /より前にはできません|過去の日付/)

    await browser.put(`/m/minato/lots/${lot.id}/expiry`, { valid_to: 'tomorrow', reason: '' })
    errors = await errorsAt(browser, url)
    assert.properties(errors, ['valid_to', 'reason'])

    const saved = await browser.put(`/m/minato/lots/${lot.id}/expiry`, {
      valid_to: later,
      reason: '入院のため延長',
    })
    assert.oneOf(saved.status(), [302, 303])
    assert.equal(await firstLotField(resident.id, 'valid_to'), later)
    const [event] = await events(city.id, 'coupon.expiry_changed', before)
    const details = typeof event.details === 'string' ? JSON.parse(event.details) : event.details
    assert.include(details, { from: lot.valid_to, to: later, lot_id: lot.id })
  })

  test('providers and residents get 403 on every coupon action, refused and audited', async ({
    client,
    assert,
  }) => {
    const city = await minato()
    const lotId = Number(await rules.victimIds.lot(city))
    const resident = await Resident.findByOrFail({
      municipalityId: city.id,
      residentNumber: 'MN-000101',
    })
    for (const email of ['owner@aozora.example', 'helper@aozora.example', 'hanako@example.jp']) {
      const browser = await signedIn(client, email)
      await expectStatus(browser.get(`/m/minato/residents/${resident.id}/coupons`), 403)
      const attempts = [
        await browser.post(`/m/minato/residents/${resident.id}/coupons`, { program: POSTPARTUM }),
        await browser.post(`/m/minato/lots/${lotId}/revoke`, { reason: 'x' }),
        await browser.put(`/m/minato/lots/${lotId}/expiry`, {
          valid_to: '2099-01-01',
          reason: 'x',
        }),
      ]
      // A refused form post goes back with the translated 403 message
      for (const response of attempts) assert.oneOf(response.status(), [302, 303, 403], email)
    }
    const lot = await db.from('ledger_lots').where('id', lotId).first()
    assert.equal(lot.status, 'active')
    assert.equal(lot.valid_to < '2099-01-01', true)
    assert.lengthOf(await events(city.id, 'authz.denied', before), 12)
    assert.lengthOf(await events(city.id, 'coupon.revoked', before), 0)
    assert.lengthOf(await events(city.id, 'coupon.expiry_changed', before), 0)
    assert.lengthOf(await events(city.id, 'coupon.issued', before), 1)
  })

  test("another municipality's resident and lot ids are 404 in its own console, audited", async ({
    client,
    assert,
  }) => {
    const city = await minato()
    const lotId = Number(await rules.victimIds.lot(city))
    const residentId = Number(await rules.victimIds.resident(city))
    const { municipality: shinjuku, admin } = await createSecondTenant()
    const browser = await signedIn(client, admin.email)
    await expectStatus(browser.get(`/m/shinjuku/residents/${residentId}/coupons`), 404)
    await expectStatus(
      browser.post(`/m/shinjuku/residents/${residentId}/coupons`, { program: POSTPARTUM }),
      404
    )
    await expectStatus(browser.post(`/m/shinjuku/lots/${lotId}/revoke`, { reason: 'x' }), 404)
    await expectStatus(
      browser.put(`/m/shinjuku/lots/${lotId}/expiry`, { valid_to: '2099-01-01', reason: 'x' }),
      404
    )
    await expectStatus(browser.get(`/m/minato/residents/${residentId}/coupons`), 404)

    const lot = await db.from('ledger_lots').where('id', lotId).first()
    assert.equal(lot.status, 'active')
    assert.lengthOf(await events(shinjuku.id, 'resident.not_found', before), 2)
    assert.lengthOf(await events(shinjuku.id, 'coupon.not_found', before), 2)
    assert.lengthOf(await events(city.id, 'coupons.viewed', before), 0)
  })
})
