import { test } from '@japa/runner'
import testUtils from '@adonisjs/core/services/test_utils'
import db from '@adonisjs/lucid/services/db'
import i18nManager from '@adonisjs/i18n/services/main'
import VisitTokens from '#visits/visit_tokens'
import LedgerRefusal from '#ledger/ledger_refusal'
import ProviderContract from '#providers/provider_contract'
import ProviderRegistry from '#providers/provider_registry'
import ProviderVisits from '#visits/provider_visits'
import ProviderResidentLookup from '#visits/provider_resident_lookup'
import { createSecondTenant } from '#tests/helpers/tenants'
import { minato, refusalCodeOf, refusalOf, staffOf } from '#tests/helpers/programs'
import { aozoraStation } from '#tests/helpers/usage_fixtures'
import { aozoraVisitDetails } from '#tests/helpers/resident_visits'
import { detailsOf, events, lastAuditEventId } from '#tests/helpers/staff_console'

async function contractOnly(services: string[]) {
  const city = await minato()
  const { provider } = await aozoraStation()
  await ProviderRegistry.setContracts(
    city.id,
    provider.id,
    [{ pluginId: 'postpartum_support', programCode: 'postpartum', services }],
    await staffOf(city)
  )
}

async function tokenCount() {
  const row = await db.from('visit_tokens').count('* as total').first()
  return Number(row?.total ?? 0)
}

test.group('VisitTokens.issue: the provider’s contract', (group) => {
  group.each.setup(() => testUtils.db().withGlobalTransaction())

  test('a contracted service is issued with its token id', async ({ assert }) => {
    const issued = await VisitTokens.issue(await aozoraVisitDetails(), null)
    const row = await db.from('visit_tokens').where('id', issued.id).firstOrFail()
    assert.equal(row.short_code, issued.shortCode)
  })

  test('a service outside the contract is refused, nothing issued', async ({ assert }) => {
    await contractOnly(['home_helper'])
    const count = await tokenCount()
    const details = await aozoraVisitDetails({ service: 'doula' })
    const refusal = await refusalOf(() => VisitTokens.issue(details, null))
    assert.instanceOf(refusal, LedgerRefusal)
    assert.equal(refusal.code, 'service_not_contracted')
    assert.equal(
      refusal.translate(i18nManager.locale('en')),
      'This provider has no contract in this municipality for Postpartum doula (Pre- and postpartum home support).'
    )
    assert.equal(await tokenCount(), count)
  })

  test('a program without a contract is refused', async ({ assert }) => {
    await contractOnly(['home_helper'])
    const details = await aozoraVisitDetails({
      pluginId: 'single_parent_home_help',
      programCode: 'home_help',
      service: 'housework',
    })
    assert.equal(
      await refusalCodeOf(() => VisitTokens.issue(details, null)),
      'service_not_contracted'
    )
  })

  test('a contract in another municipality does not count here', async ({ assert }) => {
    const { municipality } = await createSecondTenant()
    const { provider } = await aozoraStation()
    await db.table('municipality_plugins').insert({
      municipality_id: municipality.id,
      plugin_id: 'postpartum_support',
      created_at: new Date(),
    })
    const details = await aozoraVisitDetails({ municipalityId: municipality.id })
    assert.equal(
      await refusalCodeOf(() => VisitTokens.issue(details, null)),
      'service_not_contracted'
    )
    await ProviderContract.create({
      municipalityId: municipality.id,
      providerId: provider.id,
      pluginId: 'postpartum_support',
      programCode: 'postpartum',
      services: ['home_helper'],
    })
    const issued = await VisitTokens.issue(details, null)
    assert.isAbove(issued.id, 0)
  })

  test('the program’s rules still come first (visit length)', async ({ assert }) => {
    const details = await aozoraVisitDetails({ minutes: 45 })
    assert.equal(
      await refusalCodeOf(() => VisitTokens.issue(details, null)),
      'visit_length_not_allowed'
    )
  })
})

test.group('ProviderVisits', (group) => {
  group.each.setup(() => testUtils.db().withGlobalTransaction())

  test('programs: only the contracted services of enabled programs', async ({ assert }) => {
    await contractOnly(['doula'])
    const city = await minato()
    const { provider } = await aozoraStation()
    const programs = await ProviderVisits.programs(city.id, provider.id, 'en')
    assert.deepEqual(programs, [
      {
        key: 'postpartum_support/postpartum',
        pluginId: 'postpartum_support',
        programCode: 'postpartum',
        name: 'Pre- and postpartum home support',
        services: [{ code: 'doula', name: 'Postpartum doula' }],
        hours: [1, 2, 3, 4],
        from: '08:00',
        to: '22:00',
      },
    ])
  })

  test('start: the token and its audit event commit together; a refusal leaves neither', async ({
    assert,
  }) => {
    const city = await minato()
    const before = await lastAuditEventId()
    const by = await staffOf(city)
    const details = await aozoraVisitDetails()
    const issued = await ProviderVisits.start({ ...details, providerId: details.providerId! }, by)
    const [event] = await events(city.id, 'visit.started', before)
    assert.equal(detailsOf(event).visit_token_id, issued.id)

    await contractOnly(['home_helper'])
    const count = await tokenCount()
    const refused = await refusalCodeOf(() =>
      ProviderVisits.start({ ...details, service: 'doula', providerId: details.providerId! }, by)
    )
    assert.equal(refused, 'service_not_contracted')
    assert.equal(await tokenCount(), count)
    assert.lengthOf(await events(city.id, 'visit.started', before), 1)
  })

  test('find: only the provider’s own tokens, with their state', async ({ assert }) => {
    const city = await minato()
    const details = await aozoraVisitDetails()
    const issued = await VisitTokens.issue(details, null)
    const found = await ProviderVisits.find(city.id, details.providerId!, issued.id)
    assert.equal(found?.state, 'open')
    assert.isNull(await ProviderVisits.find(city.id, details.providerId! + 1000, issued.id))
    await db
      .from('visit_tokens')
      .where('id', issued.id)
      .update({ expires_at: new Date(0) })
    const expired = await ProviderVisits.find(city.id, details.providerId!, issued.id)
    assert.equal(expired?.state, 'expired')
  })

  test('lookup numbers: 利用者ID as typed, anything else refused', ({ assert }) => {
    assert.equal(ProviderResidentLookup.normalize(' ＭＮ－０００１０１ '), 'MN-000101')
    assert.equal(ProviderResidentLookup.normalize('mn-000101'), 'mn-000101')
    assert.isNull(ProviderResidentLookup.normalize(''))
    assert.isNull(ProviderResidentLookup.normalize('山田'))
    assert.isNull(ProviderResidentLookup.normalize('MN 000101'))
    assert.isNull(ProviderResidentLookup.normalize('A'.repeat(33)))
  })
})
