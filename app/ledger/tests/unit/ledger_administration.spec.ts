import { test } from '@japa/runner'
import testUtils from '@adonisjs/core/services/test_utils'
import db from '@adonisjs/lucid/services/db'
import ace from '@adonisjs/core/services/ace'
import LedgerEngine, { type GrantInput, type ReserveInput } from '#ledger/ledger_engine'
import LedgerVerifier from '#ledger/ledger_verifier'
import CouponAdministration from '#ledger/coupon_administration'
import CouponIssuance from '#ledger/coupon_issuance'
import CouponRedemption from '#ledger/coupon_redemption'
import { chainKeyFor } from '#audit/audit_event_input'
import { createSecondTenant } from '#tests/helpers/tenants'
import {
  HOUR,
  nextKey,
  refusalCodeOf,
  refusalOf,
  residentWithChildren,
  staffOf,
  type Household,
} from '#tests/helpers/programs'

const TODAY = '2026-05-01'
const POSTPARTUM = { pluginId: 'postpartum_support', programCode: 'postpartum' }

async function household() {
  return residentWithChildren([{ birthDate: '2026-03-01' }])
}

function grant(owner: Household, overrides: Partial<GrantInput> = {}) {
  return LedgerEngine.grant({
    municipalityId: owner.municipality.id,
    residentId: owner.resident.id,
    ...POSTPARTUM,
    definitionVersion: '2024-04',
    services: ['home_helper', 'doula'],
    validFrom: '2026-01-01',
    validTo: '2026-12-31',
    minutes: 10 * HOUR,
    ...overrides,
  })
}

function reserve(owner: Household, overrides: Partial<ReserveInput> = {}) {
  return LedgerEngine.reserve({
    municipalityId: owner.municipality.id,
    residentId: owner.resident.id,
    ...POSTPARTUM,
    service: 'home_helper',
    visitDate: '2026-06-01',
    minutes: 2 * HOUR,
    idempotencyKey: nextKey(),
    deductionPriority: ['home_helper', 'doula'],
    ...overrides,
  })
}

async function lot(lotId: number) {
  const row = await db.from('ledger_lots').where('id', lotId).firstOrFail()
  return { status: row.status as string, available: Number(row.available_minutes), row }
}

async function availableOf(lotId: number) {
  const { available } = await lot(lotId)
  return available
}

async function statusOf(lotId: number) {
  const { status } = await lot(lotId)
  return status
}

async function validToOf(lotId: number) {
  const { row } = await lot(lotId)
  return row.valid_to as string
}

async function journal(lotId: number) {
  const entries = await db.from('ledger_entries').where('lot_id', lotId).orderBy('id')
  return entries.map((entry) => [entry.kind, Number(entry.delta_available)])
}

async function assertClean(assert: any) {
  assert.isNull(await LedgerVerifier.firstViolation())
  const verify = await ace.exec('ledger:verify', [])
  assert.equal(verify.exitCode, 0)
}

test.group('Ledger: revoking a lot', (group) => {
  group.each.setup(() => testUtils.db().withGlobalTransaction())

  test('takes what is left, with the reason, and the lot pays for nothing more', async ({
    assert,
  }) => {
    const owner = await household()
    const lotId = await grant(owner)
    const result = await LedgerEngine.revoke(owner.municipality.id, lotId, '二重発行のため', 7)
    assert.deepEqual(result, { revokedMinutes: 600, heldMinutes: 0 })
    const after = await lot(lotId)
    assert.equal(after.status, 'revoked')
    assert.equal(after.available, 0)
    const entry = await db.from('ledger_entries').where({ lot_id: lotId, kind: 'revoke' }).first()
    assert.equal(entry.reason, '二重発行のため')
    assert.equal(Number(entry.minutes), 600)
    assert.equal(await refusalCodeOf(() => reserve(owner)), 'no_valid_lot')
    await assertClean(assert)
  })

  test('minutes held by a pending visit stay with it; approved, they are spent', async ({
    assert,
  }) => {
    const owner = await household()
    const lotId = await grant(owner)
    const { redemptionId } = await reserve(owner, { minutes: 3 * HOUR })
    const result = await LedgerEngine.revoke(owner.municipality.id, lotId, 'x', null)
    assert.deepEqual(result, { revokedMinutes: 7 * HOUR, heldMinutes: 3 * HOUR })
    await LedgerEngine.post(redemptionId, null)
    assert.equal(await availableOf(lotId), 0)
    assert.deepEqual(await journal(lotId), [
      ['grant', 600],
      ['reserve', -180],
      ['revoke', -420],
      ['redeem', 0],
    ])
    await assertClean(assert)
  })

  test('minutes released or cancelled after the revocation lapse, never come back', async ({
    assert,
  }) => {
    const owner = await household()
    const lotId = await grant(owner)
    const pending = await reserve(owner, { minutes: 2 * HOUR, visitDate: '2026-06-01' })
    const posted = await reserve(owner, { minutes: HOUR, visitDate: '2026-06-02' })
    await LedgerEngine.post(posted.redemptionId, null)
    await LedgerEngine.revoke(owner.municipality.id, lotId, 'x', null)

    await LedgerEngine.release(pending.redemptionId, null, 'provider rejected')
    await LedgerEngine.cancel(posted.redemptionId, null, '訪問なし')
    assert.equal(await availableOf(lotId), 0)
    assert.equal(await statusOf(lotId), 'revoked')
    assert.deepEqual(await journal(lotId), [
      ['grant', 600],
      ['reserve', -120],
      ['reserve', -60],
      ['redeem', 0],
      ['revoke', -420],
      ['release', 120],
      ['revoke', -120],
      ['cancel', 60],
      ['revoke', -60],
    ])
    await assertClean(assert)
  })

  test('refused without a reason, twice, on an expired lot, or in another municipality', async ({
    assert,
  }) => {
    const owner = await household()
    const lotId = await grant(owner)
    const city = owner.municipality.id
    assert.equal(
      await refusalCodeOf(() => LedgerEngine.revoke(city, lotId, '  ', null)),
      'reason_required'
    )
    const { municipality: other } = await createSecondTenant()
    assert.equal(
      await refusalCodeOf(() => LedgerEngine.revoke(other.id, lotId, 'x', null)),
      'lot_not_found'
    )
    await LedgerEngine.revoke(city, lotId, 'x', null)
    assert.equal(
      await refusalCodeOf(() => LedgerEngine.revoke(city, lotId, 'x', null)),
      'lot_revoked'
    )

    const lapsed = await grant(owner, { validTo: '2026-03-31' })
    await LedgerEngine.expireLapsed('2026-04-01')
    assert.equal(
      await refusalCodeOf(() => LedgerEngine.revoke(city, lapsed, 'x', null)),
      'lot_expired'
    )
    await assertClean(assert)
  })

  test("the window's cap frees only what the revoked lot never paid for", async ({ assert }) => {
    const owner = await residentWithChildren([{ birthDate: '2026-03-01' }])
    const by = await staffOf(owner.municipality)
    const input = {
      ...POSTPARTUM,
      municipalityId: owner.municipality.id,
      residentId: owner.resident.id,
      childId: owner.children[0].id,
      windowKey: 'until_first_birthday',
      issueDate: '2026-04-01',
    }
    const [first] = await CouponIssuance.issue(input, by)
    assert.equal(first.minutes, 128 * HOUR)
    const { redemptionId } = await reserve(owner, { visitDate: '2026-04-10', minutes: 10 * HOUR })
    await LedgerEngine.post(redemptionId, null)
    await CouponAdministration.revoke(owner.municipality.id, first.lotId, '誤発行', by)

    const refused = await refusalOf(() => CouponIssuance.issue(input, by))
    assert.equal(refused.code, 'cap_exceeded')
    assert.deepEqual(refused.values, { cap: 128 * HOUR, already: 10 * HOUR, requested: 128 * HOUR })
    await CouponIssuance.issue({ ...input, minutes: 118 * HOUR }, by)
    await assertClean(assert)
  })
})

test.group('Ledger: changing the expiry of a lot', (group) => {
  group.each.setup(() => testUtils.db().withGlobalTransaction())

  test('moves the last valid day with an adjust entry of no minutes', async ({ assert }) => {
    const owner = await household()
    const lotId = await grant(owner, { validTo: '2026-06-30' })
    const result = await LedgerEngine.changeExpiry(
      owner.municipality.id,
      lotId,
      '2026-09-30',
      '入院のため延長',
      null,
      { today: TODAY }
    )
    assert.deepEqual(result, {
      from: '2026-06-30',
      to: '2026-09-30',
      reopened: false,
      restoredMinutes: 0,
    })
    assert.equal(await validToOf(lotId), '2026-09-30')
    const adjust = await db.from('ledger_entries').where({ lot_id: lotId, kind: 'adjust' }).first()
    assert.equal(Number(adjust.delta_available), 0)
    assert.equal(adjust.reason, '入院のため延長')
    // A visit after the old date now finds the lot.
    await reserve(owner, { visitDate: '2026-08-01' })
    await assertClean(assert)
  })

  test('refusals: bad date, no reason, same date, before the start, in the past, before a visit, revoked', async ({
    assert,
  }) => {
    const owner = await household()
    const city = owner.municipality.id
    const lotId = await grant(owner, { validFrom: '2026-04-01', validTo: '2026-12-31' })
    const change = (validTo: string, reason = '理由') =>
      refusalOf(() =>
        LedgerEngine.changeExpiry(city, lotId, validTo, reason, null, { today: TODAY })
      )
    const changeCode = async (validTo: string, reason?: string) => {
      const refused = await change(validTo, reason)
      return refused.code
    }
    assert.equal(await changeCode('2026-02-30'), 'invalid_date')
    assert.equal(await changeCode('31/12/2026'), 'invalid_date')
    assert.equal(await changeCode('2026-10-01', ''), 'reason_required')
    assert.equal(await changeCode('2026-12-31'), 'expiry_unchanged')
    const beforeStart = await change('2026-03-31')
    assert.equal(beforeStart.code, 'expiry_before_start')
    assert.deepEqual(beforeStart.values, { validFrom: '2026-04-01' })
    assert.equal(await changeCode('2026-04-30'), 'expiry_in_past')

    await reserve(owner, { visitDate: '2026-07-15' })
    const beforeVisit = await change('2026-07-14')
    assert.equal(beforeVisit.code, 'expiry_before_visit')
    assert.deepEqual(beforeVisit.values, { visitDate: '2026-07-15' })
    await LedgerEngine.changeExpiry(city, lotId, '2026-07-15', '短縮', null, { today: TODAY })

    const { municipality: other } = await createSecondTenant()
    assert.equal(
      await refusalCodeOf(() =>
        LedgerEngine.changeExpiry(other.id, lotId, '2026-08-01', 'x', null, { today: TODAY })
      ),
      'lot_not_found'
    )
    const revoked = await grant(owner)
    await LedgerEngine.revoke(city, revoked, 'x', null)
    assert.equal(
      await refusalCodeOf(() =>
        LedgerEngine.changeExpiry(city, revoked, '2026-08-01', 'x', null, { today: TODAY })
      ),
      'lot_revoked'
    )
    assert.equal(await validToOf(lotId), '2026-07-15')
    await assertClean(assert)
  })

  test('a cancelled or released visit no longer holds the date', async ({ assert }) => {
    const owner = await household()
    const lotId = await grant(owner)
    const { redemptionId } = await reserve(owner, { visitDate: '2026-10-01' })
    await LedgerEngine.release(redemptionId, null, 'rejected')
    await LedgerEngine.changeExpiry(owner.municipality.id, lotId, '2026-09-30', 'x', null, {
      today: TODAY,
    })
    assert.equal(await validToOf(lotId), '2026-09-30')
  })

  test('reopens an expired lot and gives back exactly what lapsed', async ({ assert }) => {
    const owner = await household()
    const lotId = await grant(owner, { validTo: '2026-04-30' })
    const visit = await reserve(owner, { visitDate: '2026-04-10' })
    await LedgerEngine.post(visit.redemptionId, null)
    const pending = await reserve(owner, { visitDate: '2026-04-20', minutes: HOUR })
    await LedgerEngine.expireLapsed('2026-05-01')
    await LedgerEngine.release(pending.redemptionId, null, 'rejected')
    assert.deepEqual(await lot(lotId).then(({ status, available }) => [status, available]), [
      'expired',
      0,
    ])

    const result = await LedgerEngine.changeExpiry(
      owner.municipality.id,
      lotId,
      '2026-06-30',
      '延長の申し出',
      null,
      { today: '2026-05-02' }
    )
    assert.deepEqual(result, {
      from: '2026-04-30',
      to: '2026-06-30',
      reopened: true,
      restoredMinutes: 8 * HOUR,
    })
    assert.deepEqual(await lot(lotId).then(({ status, available }) => [status, available]), [
      'active',
      8 * HOUR,
    ])
    await assertClean(assert)

    // Expired again and reopened again: only the new lapse comes back.
    await reserve(owner, { visitDate: '2026-06-01', minutes: 2 * HOUR })
    await LedgerEngine.expireLapsed('2026-07-01')
    const again = await LedgerEngine.changeExpiry(
      owner.municipality.id,
      lotId,
      '2026-08-31',
      '再延長',
      null,
      { today: '2026-07-02' }
    )
    assert.equal(again.restoredMinutes, 6 * HOUR)
    assert.equal(await availableOf(lotId), 6 * HOUR)
    await assertClean(assert)
  })
})

test.group('Coupon administration (staff actions with audit)', (group) => {
  group.each.setup(() => testUtils.db().withGlobalTransaction())

  async function events(municipalityId: number, action: string) {
    return db.from('audit_events').where({ chain_key: chainKeyFor(municipalityId), action })
  }

  test('revoking and changing the expiry are audited in the same transaction', async ({
    assert,
  }) => {
    const owner = await household()
    const by = await staffOf(owner.municipality)
    const city = owner.municipality.id
    const lotId = await grant(owner, { validTo: '2027-03-31' })
    const later = await grant(owner, { validTo: '2027-03-31' })
    await db.table('ledger_expiry_reminders').insert({
      municipality_id: city,
      lot_id: later,
      days_before: 30,
      sent_at: new Date(),
    })

    const changed = await CouponAdministration.changeExpiry(city, later, '2027-06-30', '延長', by)
    assert.equal(changed?.from, '2027-03-31')
    const [expiry] = await events(city, 'coupon.expiry_changed')
    assert.equal(Number(expiry.subject_resident_id), owner.resident.id)
    assert.equal(Number(expiry.actor_user_id), by.actorUserId)
    const details = typeof expiry.details === 'string' ? JSON.parse(expiry.details) : expiry.details
    assert.include(details, { lot_id: later, from: '2027-03-31', to: '2027-06-30' })
    assert.notInclude(JSON.stringify(details), '延長')
    assert.lengthOf(await db.from('ledger_expiry_reminders').where('lot_id', later), 0)

    const revoked = await CouponAdministration.revoke(city, lotId, '誤発行', by)
    assert.equal(revoked?.revokedMinutes, 600)
    const [event] = await events(city, 'coupon.revoked')
    assert.equal(Number(event.subject_resident_id), owner.resident.id)
    const revokeDetails =
      typeof event.details === 'string' ? JSON.parse(event.details) : event.details
    assert.include(revokeDetails, { lot_id: lotId, minutes: 600 })
  })

  test('a refusal writes neither the change nor its audit event', async ({ assert }) => {
    const owner = await household()
    const by = await staffOf(owner.municipality)
    const city = owner.municipality.id
    const lotId = await grant(owner)
    await refusalOf(() => CouponAdministration.changeExpiry(city, lotId, '2020-01-01', 'x', by))
    await CouponAdministration.revoke(city, lotId, 'x', by)
    await refusalOf(() => CouponAdministration.revoke(city, lotId, 'x', by))
    assert.lengthOf(await events(city, 'coupon.expiry_changed'), 0)
    assert.lengthOf(await events(city, 'coupon.revoked'), 1)
  })

  test("another municipality's lot is as absent as an unknown one", async ({ assert }) => {
    const owner = await household()
    const lotId = await grant(owner)
    const { municipality: other } = await createSecondTenant()
    const by = await staffOf(other)
    assert.isNull(await CouponAdministration.revoke(other.id, lotId, 'x', by))
    assert.isNull(await CouponAdministration.changeExpiry(other.id, lotId, '2027-01-31', 'x', by))
    assert.isNull(await CouponAdministration.revoke(owner.municipality.id, 99_999_999, 'x', by))
    assert.equal(await statusOf(lotId), 'active')
    assert.lengthOf(await events(other.id, 'coupon.revoked'), 0)
    assert.lengthOf(await events(owner.municipality.id, 'coupon.revoked'), 0)
  })

  test('a staff cancellation (利用取消) after a revocation lapses, through the program', async ({
    assert,
  }) => {
    const owner = await residentWithChildren([{ birthDate: '2026-03-01' }])
    const by = await staffOf(owner.municipality)
    const [issued] = await CouponIssuance.issue(
      {
        ...POSTPARTUM,
        municipalityId: owner.municipality.id,
        residentId: owner.resident.id,
        childId: owner.children[0].id,
        windowKey: 'until_first_birthday',
        issueDate: '2026-04-01',
      },
      by
    )
    const { redemptionId } = await CouponRedemption.reserve(
      {
        ...POSTPARTUM,
        municipalityId: owner.municipality.id,
        residentId: owner.resident.id,
        service: 'home_helper',
        visitDate: '2026-04-10',
        visitStart: '10:00',
        minutes: 2 * HOUR,
        idempotencyKey: nextKey(),
      },
      by
    )
    await CouponRedemption.approve(owner.municipality.id, redemptionId, by)
    await CouponAdministration.revoke(owner.municipality.id, issued.lotId, '転出', by)
    assert.isTrue(
      await CouponRedemption.cancel(owner.municipality.id, redemptionId, '訪問なし', by)
    )
    assert.equal(await availableOf(issued.lotId), 0)
    await assertClean(assert)
  })
})
