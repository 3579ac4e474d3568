import { test, timeTravel } from '@japa/runner'
import testUtils from '@adonisjs/core/services/test_utils'
import db from '@adonisjs/lucid/services/db'
import CouponIssuance from '#ledger/coupon_issuance'
import VisitTokens, { VISIT_TOKEN_MINUTES, type VisitDetails } from '#visits/visit_tokens'
import LedgerVerifier from '#ledger/ledger_verifier'
import { sha256Hex } from '#shared/sha256'
import { HOUR, refusalCodeOf, residentWithChildren, staffOf } from '#tests/helpers/programs'

const program = { pluginId: 'postpartum_support', programCode: 'postpartum' }

async function household() {
  const found = await residentWithChildren([{ birthDate: '2026-09-01' }])
  const by = await staffOf(found.municipality)
  await CouponIssuance.issue(
    {
      ...program,
      municipalityId: found.municipality.id,
      residentId: found.resident.id,
      childId: found.children[0].id,
      issueDate: '2026-10-01',
    },
    by
  )
  const visit: VisitDetails = {
    ...program,
    municipalityId: found.municipality.id,
    providerId: null,
    service: 'home_helper',
    visitDate: '2026-10-05',
    visitStart: '10:00',
    minutes: 2 * HOUR,
  }
  return { ...found, by, visit }
}

test.group('Visit QR tokens', (group) => {
  group.each.setup(() => testUtils.db().withGlobalTransaction())

  test('a token is 256 random bits, stored only as its hash, with an 8-digit short code', async ({
    assert,
  }) => {
    const { visit } = await household()
    const issued = await VisitTokens.issue(visit, null)
    assert.match(issued.token, /^[\w-]{43}$/)
    assert.match(issued.shortCode, /^\d{8}$/)
    const row = await db.from('visit_tokens').orderBy('id', 'desc').firstOrFail()
    assert.equal(row.token_hash, sha256Hex(issued.token))
    assert.notInclude(JSON.stringify(row), issued.token)
  })

  test('scanning reserves the visit’s hours; a second scan is refused', async ({ assert }) => {
    const { municipality, resident, by, visit } = await household()
    const { token } = await VisitTokens.issue(visit, null)
    const { redemptionId } = await VisitTokens.redeem(municipality.id, resident.id, { token }, by)
    const redemption = await db.from('ledger_redemptions').where('id', redemptionId).firstOrFail()
    assert.equal(redemption.status, 'reserved')
    assert.equal(Number(redemption.minutes), 2 * HOUR)
    assert.equal(
      await refusalCodeOf(() => VisitTokens.redeem(municipality.id, resident.id, { token }, by)),
      'visit_token_used'
    )
    assert.isNull(await LedgerVerifier.firstViolation())
  })

  test('the short code works like the QR, once', async ({ assert }) => {
    const { municipality, resident, by, visit } = await household()
    const { shortCode } = await VisitTokens.issue(visit, null)
    await VisitTokens.redeem(municipality.id, resident.id, { shortCode }, by)
    assert.equal(
      await refusalCodeOf(() =>
        VisitTokens.redeem(municipality.id, resident.id, { shortCode }, by)
      ),
      'visit_token_used'
    )
  })

  test(`a token older than ${VISIT_TOKEN_MINUTES} minutes is refused and reserves nothing`, async ({
    assert,
  }) => {
    const { municipality, resident, by, visit } = await household()
    const { token } = await VisitTokens.issue(visit, null)
    timeTravel(`${VISIT_TOKEN_MINUTES * 60 + 1} seconds`)
    assert.equal(
      await refusalCodeOf(() => VisitTokens.redeem(municipality.id, resident.id, { token }, by)),
      'visit_token_expired'
    )
    const reserved = await db.from('ledger_redemptions').where('resident_id', resident.id)
    assert.lengthOf(reserved, 0)
  })

  test('an unknown token, or another municipality’s, is unknown', async ({ assert }) => {
    const { resident, by, visit } = await household()
    const { token } = await VisitTokens.issue(visit, null)
    assert.equal(
      await refusalCodeOf(() =>
        VisitTokens.redeem(visit.municipalityId, resident.id, { token: 'x'.repeat(43) }, by)
      ),
      'visit_token_unknown'
    )
    assert.equal(
      await refusalCodeOf(() => VisitTokens.redeem(999_999, resident.id, { token }, by)),
      'visit_token_unknown'
    )
  })

  test('a refused reservation leaves the token unused', async ({ assert }) => {
    const { municipality, by, visit } = await household()
    const stranger = await residentWithChildren([])
    const { token } = await VisitTokens.issue(visit, null)
    assert.equal(
      await refusalCodeOf(() =>
        VisitTokens.redeem(municipality.id, stranger.resident.id, { token }, by)
      ),
      'no_valid_lot'
    )
    const row = await db.from('visit_tokens').where('token_hash', sha256Hex(token)).firstOrFail()
    assert.isNull(row.consumed_at)
  })

  test('a visit the program does not allow cannot be started', async ({ assert }) => {
    const { visit } = await household()
    assert.equal(
      await refusalCodeOf(() => VisitTokens.issue({ ...visit, visitStart: '23:00' }, null)),
      'outside_hours'
    )
  })
})
