import { test } from '@japa/runner'
import db from '@adonisjs/lucid/services/db'
import CouponRedemption from '#ledger/coupon_redemption'
import LedgerRefusal from '#ledger/ledger_refusal'
import LedgerVerifier from '#ledger/ledger_verifier'
import ProviderApprovals from '#visits/provider_approvals'
import { isolatedTests } from '#tests/helpers/isolated_tests'
import { HOUR, refusalCodeOf } from '#tests/helpers/programs'
import { detailsOf, events } from '#tests/helpers/staff_console'
import {
  daysFromToday,
  hanako,
  hanakoWithHours,
  smallLot,
  waitingAozoraVisit,
} from '#tests/helpers/resident_visits'
import { providerWithStation } from '#tests/helpers/usage_fixtures'

let before = 0

async function redemption(id: number) {
  return db.from('ledger_redemptions').where('id', id).firstOrFail()
}

async function statusOf(id: number) {
  const row = await redemption(id)
  return String(row.status)
}

async function minutesOf(id: number) {
  const row = await redemption(id)
  return Number(row.minutes)
}

async function redemptionsOf(residentId: number) {
  return db.from('ledger_redemptions').where('resident_id', residentId).orderBy('id')
}

/** Hours hanako has left, summed over her lots */
async function availableMinutes(residentId: number) {
  const row = await db
    .from('ledger_lots')
    .where('resident_id', residentId)
    .sum('available_minutes as minutes')
    .first()
  return Number(row?.minutes ?? 0)
}

test.group('CouponRedemption.correct: the actual hours before approval', (group) => {
  isolatedTests(group, (id) => (before = id))

  test('shorter: the reservation is replaced by one of the corrected hours', async ({ assert }) => {
    const { resident } = await hanakoWithHours()
    const { city, by, redemptionId, visitTokenId } = await waitingAozoraVisit(2 * HOUR)
    const heldBefore = await availableMinutes(resident.id)

    const result = await CouponRedemption.correct(city.id, redemptionId, HOUR, by)
    assert.isNotNull(result)
    assert.isFalse(result!.unchanged)
    const newId = (result as { redemptionId: number }).redemptionId

    const old = await redemption(redemptionId)
    const fresh = await redemption(newId)
    assert.equal(old.status, 'released')
    assert.equal(old.reason, 'corrected')
    assert.equal(Number(old.replaced_by_redemption_id), newId)
    assert.equal(fresh.status, 'reserved')
    assert.equal(Number(fresh.minutes), HOUR)
    for (const column of [
      'resident_id',
      'plugin_id',
      'program_code',
      'service',
      'visit_date',
      'visit_start',
      'provider_id',
      'facility_id',
    ]) {
      assert.equal(String(fresh[column]), String(old[column]), column)
    }
    assert.notEqual(fresh.idempotency_key, old.idempotency_key)
    assert.match(fresh.idempotency_key, /^corrected:[0-9a-f]{48}$/)
    // The hour no longer needed is back with the resident.
    assert.equal(await availableMinutes(resident.id), heldBefore + HOUR)
    const token = await db.from('visit_tokens').where('id', visitTokenId).firstOrFail()
    assert.equal(Number(token.redemption_id), newId)

    const [event] = await events(city.id, 'redemption.corrected', before)
    assert.deepInclude(detailsOf(event), {
      redemption_id: redemptionId,
      new_redemption_id: newId,
      from_minutes: 2 * HOUR,
      to_minutes: HOUR,
    })
    assert.equal(Number(event.subject_resident_id), resident.id)
    assert.isNull(await LedgerVerifier.firstViolation())
  })

  test('longer, when the hours are there', async ({ assert }) => {
    const { resident } = await hanakoWithHours()
    const { city, by, redemptionId } = await waitingAozoraVisit(HOUR)
    const left = await availableMinutes(resident.id)
    const result = await CouponRedemption.correct(city.id, redemptionId, 3 * HOUR, by)
    const newId = (result as { redemptionId: number }).redemptionId
    assert.equal(await minutesOf(newId), 3 * HOUR)
    assert.equal(await availableMinutes(resident.id), left - 2 * HOUR)
    // The new reservation is approved like any other.
    assert.isTrue(await CouponRedemption.approve(city.id, newId, by))
    assert.equal(await statusOf(newId), 'posted')
    assert.isNull(await LedgerVerifier.firstViolation())
  })

  test('more hours than are left: refused, the original stays reserved', async ({ assert }) => {
    const { resident } = await hanako()
    await smallLot(resident.id, 2)
    const { city, by, redemptionId } = await waitingAozoraVisit(2 * HOUR)
    const left = await availableMinutes(resident.id)
    assert.equal(
      await refusalCodeOf(() => CouponRedemption.correct(city.id, redemptionId, 3 * HOUR, by)),
      'not_enough_minutes'
    )
    const old = await redemption(redemptionId)
    assert.equal(old.status, 'reserved')
    assert.isNull(old.replaced_by_redemption_id)
    assert.lengthOf(await redemptionsOf(resident.id), 1)
    assert.equal(await availableMinutes(resident.id), left)
    assert.lengthOf(await events(city.id, 'redemption.corrected', before), 0)
    assert.isNull(await LedgerVerifier.firstViolation())
  })

  test('a length the program does not allow: refused, nothing changed', async ({ assert }) => {
    const { resident } = await hanakoWithHours()
    const { city, by, redemptionId } = await waitingAozoraVisit(2 * HOUR)
    for (const minutes of [90, 5 * HOUR]) {
      assert.equal(
        await refusalCodeOf(() => CouponRedemption.correct(city.id, redemptionId, minutes, by)),
        'visit_length_not_allowed'
      )
    }
    assert.equal(await statusOf(redemptionId), 'reserved')
    assert.lengthOf(await redemptionsOf(resident.id), 1)
  })

  test('the same hours: unchanged, nothing written', async ({ assert }) => {
    await hanakoWithHours()
    const { city, by, redemptionId, resident } = await waitingAozoraVisit(2 * HOUR)
    assert.deepEqual(await CouponRedemption.correct(city.id, redemptionId, 2 * HOUR, by), {
      unchanged: true,
    })
    assert.equal(await statusOf(redemptionId), 'reserved')
    assert.lengthOf(await redemptionsOf(resident.id), 1)
  })

  test('a visit no longer waiting cannot be corrected', async ({ assert }) => {
    await hanakoWithHours()
    const { city, by, redemptionId, resident } = await waitingAozoraVisit(2 * HOUR)
    await CouponRedemption.approve(city.id, redemptionId, by)
    assert.equal(
      await refusalCodeOf(() => CouponRedemption.correct(city.id, redemptionId, HOUR, by)),
      'not_reserved'
    )
    // A corrected one neither (it was released for its replacement).
    const other = await waitingAozoraVisit(2 * HOUR, daysFromToday(2))
    await CouponRedemption.correct(city.id, other.redemptionId, HOUR, by)
    assert.equal(
      await refusalCodeOf(() => CouponRedemption.correct(city.id, other.redemptionId, HOUR, by)),
      'not_reserved'
    )
    assert.lengthOf(await redemptionsOf(resident.id), 3)
  })

  test('another municipality’s id is as absent as an unknown one', async ({ assert }) => {
    await hanakoWithHours()
    const { city, by, redemptionId } = await waitingAozoraVisit(2 * HOUR)
    assert.isNull(await CouponRedemption.correct(city.id + 999, redemptionId, HOUR, by))
    assert.isNull(await CouponRedemption.correct(city.id, 987654321, HOUR, by))
    assert.equal(await statusOf(redemptionId), 'reserved')
  })
})

test.group('Provider approvals: the queue and its decisions', (group) => {
  isolatedTests(group, (id) => (before = id))

  async function approvalsOf(providerId: number) {
    const { city } = await hanako()
    return new ProviderApprovals(city.id, providerId, 'ja')
  }

  function otherProvider() {
    return providerWithStation({
      ja: 'みどり家事支援',
      en: 'Midori Care',
      stationJa: 'みどり 本店',
      stationEn: 'Midori main',
    })
  }

  test('the queue lists the provider’s waiting visits, oldest first, with name and ID', async ({
    assert,
  }) => {
    await hanakoWithHours()
    const later = await waitingAozoraVisit(HOUR, daysFromToday(3))
    const sooner = await waitingAozoraVisit(2 * HOUR, daysFromToday(1))
    const approvals = await approvalsOf(later.provider.id)
    const waiting = await approvals.waiting()
    const ours = waiting.filter((row) => [later.redemptionId, sooner.redemptionId].includes(row.id))
    assert.deepEqual(
      ours.map((row) => row.id),
      [sooner.redemptionId, later.redemptionId]
    )
    assert.equal(ours[0].residentNumber, 'MN-000101')
    assert.include(ours[0].residentName, '花子')
    assert.equal(ours[0].service, '家事支援（ホームヘルパー）')
    assert.equal(ours[0].facility, later.facility.nameJa)
    assert.equal(ours[0].state, 'waiting')

    // Filtered by another facility: none of these.
    const { facility: elsewhere } = await otherProvider()
    assert.lengthOf(await approvals.waiting(elsewhere.id), 0)

    // Approved today moves below.
    await approvals.approve(sooner.redemptionId, sooner.by)
    const decided = await approvals.decidedToday()
    assert.equal(decided[0].id, sooner.redemptionId)
    assert.equal(decided[0].state, 'approved')
    const stillWaiting = await approvals.waiting()
    assert.notInclude(
      stillWaiting.map((row) => row.id),
      sooner.redemptionId
    )
  })

  test('another provider’s visit is as absent as an unknown one', async ({ assert }) => {
    await hanakoWithHours()
    const { redemptionId, by } = await waitingAozoraVisit()
    const { provider } = await otherProvider()
    const theirs = await approvalsOf(provider.id)
    assert.isNull(await theirs.find(redemptionId))
    assert.deepEqual(await theirs.approve(redemptionId, by), {
      done: false,
      reason: 'not_found',
    })
    assert.deepEqual(await theirs.reject(redemptionId, '不要', by), {
      done: false,
      reason: 'not_found',
    })
    assert.deepEqual(await theirs.correct(redemptionId, HOUR, by), {
      done: false,
      reason: 'not_found',
    })
    assert.equal(await statusOf(redemptionId), 'reserved')
  })

  test('two staff approving at once: one wins, the other is told it was dealt with', async ({
    assert,
  }) => {
    await hanakoWithHours()
    const { redemptionId, by, provider, city } = await waitingAozoraVisit()
    const approvals = await approvalsOf(provider.id)
    const outcomes = await Promise.all([
      approvals.approve(redemptionId, by),
      approvals.approve(redemptionId, by),
    ])
    assert.equal(outcomes.filter((outcome) => outcome.done).length, 1)
    assert.deepInclude(outcomes, { done: false, reason: 'already_decided' })
    assert.equal(await statusOf(redemptionId), 'posted')
    assert.lengthOf(await events(city.id, 'redemption.approved', before), 1)
    const posted = await db
      .from('ledger_entries')
      .where({ redemption_id: redemptionId, kind: 'redeem' })
    assert.lengthOf(posted, 1)
    assert.isNull(await LedgerVerifier.firstViolation())
  })

  test('approval and correction at once: exactly one stands', async ({ assert }) => {
    const { resident } = await hanakoWithHours()
    const { redemptionId, by, provider } = await waitingAozoraVisit(2 * HOUR)
    const approvals = await approvalsOf(provider.id)
    const [approved, corrected] = await Promise.all([
      approvals.approve(redemptionId, by),
      approvals.correct(redemptionId, HOUR, by),
    ])
    assert.notEqual(approved.done, corrected.done)
    const rows = await redemptionsOf(resident.id)
    if (approved.done) {
      assert.deepEqual(corrected, { done: false, reason: 'already_decided' })
      assert.deepEqual(
        rows.map((row) => row.status),
        ['posted']
      )
    } else {
      assert.deepEqual(approved, { done: false, reason: 'already_decided' })
      assert.deepEqual(
        rows.map((row) => [row.status, Number(row.minutes)]),
        [
          ['released', 2 * HOUR],
          ['reserved', HOUR],
        ]
      )
    }
    assert.isNull(await LedgerVerifier.firstViolation())
  })

  test('rejection releases the hours with the reason, once', async ({ assert }) => {
    const { resident } = await hanakoWithHours()
    const { redemptionId, by, provider } = await waitingAozoraVisit(2 * HOUR)
    const left = await availableMinutes(resident.id)
    const approvals = await approvalsOf(provider.id)
    assert.deepEqual(await approvals.reject(redemptionId, '訪問できませんでした', by), {
      done: true,
      redemptionId,
    })
    const row = await redemption(redemptionId)
    assert.equal(row.status, 'released')
    assert.equal(row.reason, '訪問できませんでした')
    assert.equal(await availableMinutes(resident.id), left + 2 * HOUR)
    assert.deepEqual(await approvals.reject(redemptionId, 'again', by), {
      done: false,
      reason: 'already_decided',
    })
    const shown = await approvals.find(redemptionId)
    assert.equal(shown?.state, 'rejected')
    assert.equal(shown?.reason, '訪問できませんでした')
  })

  test('a corrected visit shows as corrected and points to its replacement', async ({ assert }) => {
    await hanakoWithHours()
    const { redemptionId, by, provider } = await waitingAozoraVisit(2 * HOUR)
    const approvals = await approvalsOf(provider.id)
    const outcome = await approvals.correct(redemptionId, 3 * HOUR, by)
    assert.isTrue(outcome.done)
    const newId = (outcome as { redemptionId: number }).redemptionId
    const old = await approvals.find(redemptionId)
    assert.equal(old?.state, 'corrected')
    assert.equal(old?.replacedBy, newId)
    assert.isNull(old?.reason)
    assert.deepEqual(old?.allowedMinutes, [60, 120, 180, 240])
    const waiting = await approvals.waiting()
    assert.include(
      waiting.map((row) => row.id),
      newId
    )
    assert.notInclude(
      waiting.map((row) => row.id),
      redemptionId
    )
    const decided = await approvals.decidedToday()
    assert.notInclude(
      decided.map((row) => row.id),
      redemptionId
    )
    assert.deepEqual(await approvals.correct(newId, 3 * HOUR, by), {
      done: false,
      reason: 'unchanged',
    })
  })

  test('a refused correction stays a refusal (LedgerRefusal) for the page to translate', async ({
    assert,
  }) => {
    await hanakoWithHours()
    const { redemptionId, by, provider } = await waitingAozoraVisit(2 * HOUR)
    const approvals = await approvalsOf(provider.id)
    try {
      await approvals.correct(redemptionId, 90, by)
      assert.fail('accepted')
    } catch (error) {
      assert.instanceOf(error, LedgerRefusal)
    }
    assert.equal(await statusOf(redemptionId), 'reserved')
  })
})
