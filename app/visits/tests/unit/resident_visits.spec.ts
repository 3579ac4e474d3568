import { test } from '@japa/runner'
import testUtils from '@adonisjs/core/services/test_utils'
import db from '@adonisjs/lucid/services/db'
import { errors as vineErrors } from '@vinejs/vine'
import { appUrl } from '#config/app'
import CouponRedemption from '#ledger/coupon_redemption'
import VisitTokens from '#visits/visit_tokens'
import VisitSurveys from '#visits/visit_surveys'
import VisitSurveyRefusal from '#visits/visit_survey_refusal'
import { parseVisitLink, visitLink } from '#visits/visit_links'
import { refusalCodeOf, staffOf } from '#tests/helpers/programs'
import {
  aozoraVisit,
  expireVisitToken,
  hanako,
  hanakoWithHours,
  sampleProgramVisit,
} from '#tests/helpers/resident_visits'

async function surveyRefusal(work: () => Promise<unknown>) {
  try {
    await work()
  } catch (error) {
    if (error instanceof VisitSurveyRefusal) return error.code
    throw error
  }
  throw new Error('the survey accepted it')
}

test.group('Visit links', () => {
  test('the QR link is the confirm page of the municipality with the token', ({ assert }) => {
    const link = visitLink('minato', 'abc_DEF-123456789012345678901234567890123')
    assert.equal(
      link,
      `${appUrl}/m/minato/my/visit?token=abc_DEF-123456789012345678901234567890123`
    )
    assert.deepEqual(parseVisitLink(link), {
      slug: 'minato',
      token: 'abc_DEF-123456789012345678901234567890123',
    })
  })

  test('anything else is not a visit link', ({ assert }) => {
    const token = 'a'.repeat(43)
    for (const text of [
      'hello',
      `https://evil.example/m/minato/my/visit?token=${token}`,
      `${appUrl}/m/minato/my/scan?token=${token}`,
      `${appUrl}/m/minato/my/visit`,
      `${appUrl}/m/minato/my/visit?token=<script>`,
      `${appUrl}/m/Minato/../my/visit?token=${token}`,
    ]) {
      assert.isNull(parseVisitLink(text), text)
    }
  })
})

test.group('Visit tokens: peek', (group) => {
  group.each.setup(() => testUtils.db().withGlobalTransaction())

  test('peek shows the visit and consumes nothing', async ({ assert }) => {
    const { city } = await hanakoWithHours()
    const { token, shortCode, provider, facility } = await aozoraVisit()
    for (const credential of [{ token }, { shortCode }]) {
      const visit = await VisitTokens.peek(city.id, credential)
      assert.include(visit, {
        pluginId: 'postpartum_support',
        service: 'home_helper',
        visitStart: '10:00',
        minutes: 120,
        providerId: provider.id,
        facilityId: facility.id,
      })
    }
    const row = await db.from('visit_tokens').where('short_code', shortCode).first()
    assert.isNull(row.consumed_at)
    assert.lengthOf(
      await db
        .from('ledger_redemptions')
        .where('municipality_id', city.id)
        .where('created_at', '>', new Date(Date.now() - 60_000)),
      0
    )
  })

  test('peek refuses unknown, used and expired codes like redeem', async ({ assert }) => {
    const { city, resident } = await hanakoWithHours()
    assert.equal(
      await refusalCodeOf(() => VisitTokens.peek(city.id, { token: 'x'.repeat(43) })),
      'visit_token_unknown'
    )
    const used = await aozoraVisit()
    await VisitTokens.redeem(city.id, resident.id, { token: used.token }, await staffOf(city))
    assert.equal(
      await refusalCodeOf(() => VisitTokens.peek(city.id, { shortCode: used.shortCode })),
      'visit_token_used'
    )
    const old = await aozoraVisit({ minutes: 60 })
    await expireVisitToken(old.shortCode)
    assert.equal(
      await refusalCodeOf(() => VisitTokens.peek(city.id, { token: old.token })),
      'visit_token_expired'
    )
    assert.equal(
      await refusalCodeOf(() => VisitTokens.peek(999_999, { token: old.token })),
      'visit_token_unknown'
    )
  })
})

test.group('Visit surveys', (group) => {
  group.each.setup(() => testUtils.db().withGlobalTransaction())

  async function visit(approve = true) {
    const { city, resident } = await hanakoWithHours()
    const by = await staffOf(city)
    const { token } = await aozoraVisit()
    const { redemptionId } = await VisitTokens.redeem(city.id, resident.id, { token }, by)
    if (approve) await CouponRedemption.approve(city.id, redemptionId, by)
    return {
      own: { municipalityId: city.id, residentId: resident.id, redemptionId },
      by,
    }
  }

  test('answers are stored once; blank optional answers are left out', async ({ assert }) => {
    const { own, by } = await visit()
    const stored = await VisitSurveys.answer(own, { satisfaction: '4', comment: '' }, by)
    assert.deepEqual(stored, { status: 'answered', answers: { satisfaction: 4 } })
    const response = await VisitSurveys.responseFor(own.municipalityId, own.redemptionId)
    assert.equal(response?.status, 'answered')
    assert.deepEqual(response?.answers, { satisfaction: 4 })
    assert.equal(
      await surveyRefusal(() => VisitSurveys.answer(own, { satisfaction: 1 }, by)),
      'already_answered'
    )
    assert.equal(await surveyRefusal(() => VisitSurveys.decline(own, by)), 'already_answered')
    const rows = await db.from('survey_responses').where('redemption_id', own.redemptionId)
    assert.lengthOf(rows, 1)
    assert.deepEqual(JSON.parse(rows[0].answers), { satisfaction: 4 })
  })

  test('declining is remembered and closes the survey', async ({ assert }) => {
    const { own, by } = await visit()
    await VisitSurveys.decline(own, by)
    const response = await VisitSurveys.responseFor(own.municipalityId, own.redemptionId)
    assert.equal(response?.status, 'declined')
    assert.isNull(response?.answers)
    assert.equal(
      await surveyRefusal(() => VisitSurveys.answer(own, { satisfaction: 5 }, by)),
      'already_answered'
    )
  })

  test('two answers at once store one', async ({ assert }) => {
    const { own, by } = await visit()
    const results = await Promise.allSettled([
      VisitSurveys.answer(own, { satisfaction: 5 }, by),
      VisitSurveys.decline(own, by),
    ])
    assert.lengthOf(
      results.filter((result) => result.status === 'fulfilled'),
      1
    )
    const rejected = results.find((result) => result.status === 'rejected')
    assert.instanceOf((rejected as PromiseRejectedResult).reason, VisitSurveyRefusal)
    assert.lengthOf(await db.from('survey_responses').where('redemption_id', own.redemptionId), 1)
  })

  test('a visit not approved yet has no survey', async ({ assert }) => {
    const { own, by } = await visit(false)
    assert.equal(
      await surveyRefusal(() => VisitSurveys.answer(own, { satisfaction: 5 }, by)),
      'not_approved'
    )
    assert.lengthOf(await db.from('survey_responses').where('redemption_id', own.redemptionId), 0)
  })

  test('answers outside the questions are refused and nothing is stored', async ({ assert }) => {
    const { own, by } = await visit()
    await assert.rejects(
      () => VisitSurveys.answer(own, { satisfaction: 6, would_use_again: 'maybe' }, by),
      vineErrors.E_VALIDATION_ERROR as any
    )
    assert.isNull(await VisitSurveys.responseFor(own.municipalityId, own.redemptionId))
  })

  test('someone else’s visit is not found; a program without questions has no survey', async ({
    assert,
  }) => {
    const { own, by } = await visit()
    assert.isNull(await VisitSurveys.answer({ ...own, residentId: own.residentId + 999 }, {}, by))
    const { resident } = await hanako()
    const sample = await sampleProgramVisit(resident.id)
    const { redemptionId } = await VisitTokens.redeem(
      own.municipalityId,
      resident.id,
      { token: sample.token },
      by
    )
    await CouponRedemption.approve(own.municipalityId, redemptionId, by)
    assert.equal(
      await surveyRefusal(() => VisitSurveys.decline({ ...own, redemptionId }, by)),
      'no_survey'
    )
  })
})
