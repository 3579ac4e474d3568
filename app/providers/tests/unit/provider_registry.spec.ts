import { test } from '@japa/runner'
import testUtils from '@adonisjs/core/services/test_utils'
import db from '@adonisjs/lucid/services/db'
import { errors as lucidErrors } from '@adonisjs/lucid'
import Municipality from '#tenancy/municipality'
import Provider from '#tenancy/provider'
import Membership from '#identity/membership'
import User from '#identity/user'
import ProviderContract from '#providers/provider_contract'
import ProviderRegistry, { type ContractSelection } from '#providers/provider_registry'
import ProviderRefusal from '#providers/provider_refusal'
import { chainKeyFor } from '#audit/audit_event_input'
import { createSecondTenant } from '#tests/helpers/tenants'
import { staffOf } from '#tests/helpers/programs'
import { waitForMail } from '#tests/helpers/mailbox'
import { detailsOf } from '#tests/helpers/staff_console'

const POSTPARTUM_HELPER: ContractSelection = {
  pluginId: 'postpartum_support',
  programCode: 'postpartum',
  services: ['home_helper'],
}

async function minato() {
  return Municipality.findByOrFail('slug', 'minato')
}

async function refusalOf(work: () => Promise<unknown>) {
  try {
    await work()
  } catch (error) {
    if (error instanceof ProviderRefusal) return error.code
    throw error
  }
  throw new Error('the registry accepted it')
}

async function lastEvent(municipalityId: number) {
  return db
    .from('audit_events')
    .where('chain_key', chainKeyFor(municipalityId))
    .orderBy('sequence', 'desc')
    .first()
}

async function register(city: Municipality, contracts = [POSTPARTUM_HELPER]) {
  return ProviderRegistry.register(
    city.id,
    { nameJa: 'ひかり産後ケア', nameEn: 'Hikari Postnatal Care', phone: '03-1111-2222', contracts },
    await staffOf(city)
  )
}

test.group('Provider registry', (group) => {
  group.each.setup(() => testUtils.db().withGlobalTransaction())

  test('registers a provider with its contract here, audited', async ({ assert }) => {
    const city = await minato()
    const provider = await register(city, [
      {
        pluginId: 'postpartum_support',
        programCode: 'postpartum',
        services: ['doula', 'home_helper'],
      },
    ])
    const contracts = await ProviderContract.query().where('provider_id', provider.id)
    assert.lengthOf(contracts, 1)
    assert.equal(contracts[0].municipalityId, city.id)
    // in the order the program declares its services
    assert.deepEqual(contracts[0].services, ['home_helper', 'doula'])
    const event = await lastEvent(city.id)
    assert.equal(event.action, 'provider.registered')
    assert.equal(event.actor_role, 'municipal_staff')
    const visible = await ProviderRegistry.visible(city.id)
    assert.include(
      visible.map(({ id }) => id),
      provider.id
    )
  })

  test('contracts only for enabled programs and their declared services', async ({ assert }) => {
    const city = await minato()
    const by = await staffOf(city)
    const before = await Provider.query().count('* as total').first()
    assert.equal(
      await refusalOf(() => register(city, [{ ...POSTPARTUM_HELPER, services: ['massage'] }])),
      'unknown_service'
    )
    assert.equal(
      await refusalOf(() =>
        register(city, [{ pluginId: 'no_such_plugin', programCode: 'x', services: ['a'] }])
      ),
      'unknown_program'
    )
    assert.equal(await refusalOf(() => register(city, [])), 'no_services')
    assert.equal(
      await refusalOf(() => register(city, [{ ...POSTPARTUM_HELPER, services: [] }])),
      'no_services'
    )
    // a plugin the municipality has not enabled
    const { municipality: shinjuku } = await createSecondTenant()
    assert.equal(
      await refusalOf(() =>
        ProviderRegistry.register(
          shinjuku.id,
          { nameJa: 'a', nameEn: 'a', phone: null, contracts: [POSTPARTUM_HELPER] },
          by
        )
      ),
      'unknown_program'
    )
    const after = await Provider.query().count('* as total').first()
    assert.equal(Number(after!.$extras.total), Number(before!.$extras.total))
  })

  test('form keys become selections; malformed keys are refused', async ({ assert }) => {
    assert.deepEqual(
      ProviderRegistry.selectionsFromKeys([
        'postpartum_support/postpartum/home_helper',
        'postpartum_support/postpartum/doula',
        'single_parent_home_help/home_help/housework',
      ]),
      [
        {
          pluginId: 'postpartum_support',
          programCode: 'postpartum',
          services: ['home_helper', 'doula'],
        },
        { pluginId: 'single_parent_home_help', programCode: 'home_help', services: ['housework'] },
      ]
    )
    for (const bad of ['postpartum_support/postpartum', 'a/b/c/d', '../x/y', 'A/B/C']) {
      assert.throws(() => ProviderRegistry.selectionsFromKeys([bad]), 'Provider change refused')
    }
  })

  test('changing the contracts adds and removes programs, audited with the difference', async ({
    assert,
  }) => {
    const city = await minato()
    const provider = await register(city)
    await ProviderRegistry.setContracts(
      city.id,
      provider.id,
      [{ pluginId: 'single_parent_home_help', programCode: 'home_help', services: ['childcare'] }],
      await staffOf(city)
    )
    const contracts = await ProviderContract.query().where('provider_id', provider.id)
    assert.deepEqual(
      contracts.map((contract) => [contract.pluginId, contract.services]),
      [['single_parent_home_help', ['childcare']]]
    )
    const event = await lastEvent(city.id)
    assert.equal(event.action, 'provider.contracts_changed')
    const details = detailsOf(event)
    assert.deepEqual(details.added, ['single_parent_home_help/home_help/childcare'])
    assert.deepEqual(details.removed, ['postpartum_support/postpartum/home_helper'])

    assert.equal(
      await refusalOf(async () =>
        ProviderRegistry.setContracts(city.id, provider.id, [], await staffOf(city))
      ),
      'no_services'
    )
  })

  test("another municipality's provider is not found here", async ({ assert }) => {
    const city = await minato()
    const { municipality: shinjuku } = await createSecondTenant()
    const foreign = await Provider.create({ nameJa: '新宿の事業者', nameEn: 'Shinjuku provider' })
    await ProviderContract.create({
      municipalityId: shinjuku.id,
      providerId: foreign.id,
      pluginId: 'postpartum_support',
      programCode: 'postpartum',
      services: ['home_helper'],
    })
    await assert.rejects(
      () => ProviderRegistry.find(city.id, foreign.id),
      lucidErrors.E_ROW_NOT_FOUND
    )
    await assert.rejects(
      async () =>
        ProviderRegistry.addFacility(
          city.id,
          foreign.id,
          { nameJa: 'x', nameEn: 'x', address: null, phone: null },
          await staffOf(city)
        ),
      lucidErrors.E_ROW_NOT_FOUND
    )
    const aozora = await Provider.findByOrFail('nameJa', 'あおぞら家事支援サービス')
    const [facility] = await aozora.related('facilities').query()
    // a facility of a visible provider, but named under another provider
    await assert.rejects(
      () => ProviderRegistry.findFacility(city.id, foreign.id, facility.id),
      lucidErrors.E_ROW_NOT_FOUND
    )
  })

  test('facilities are added and edited, each audited', async ({ assert }) => {
    const city = await minato()
    const by = await staffOf(city)
    const provider = await register(city)
    const facility = await ProviderRegistry.addFacility(
      city.id,
      provider.id,
      { nameJa: 'ひかり 三田', nameEn: 'Hikari Mita', address: '東京都港区三田1-1', phone: null },
      by
    )
    const added = await lastEvent(city.id)
    assert.equal(added.action, 'facility.added')
    await ProviderRegistry.updateFacility(
      city.id,
      provider.id,
      facility.id,
      { nameJa: 'ひかり 三田駅前', nameEn: 'Hikari Mita', address: null, phone: '03-0000-1111' },
      by
    )
    await facility.refresh()
    assert.equal(facility.nameJa, 'ひかり 三田駅前')
    assert.isNull(facility.address)
    const event = await lastEvent(city.id)
    assert.equal(event.action, 'facility.updated')
    const details = detailsOf(event)
    assert.sameMembers(details.changed, ['name_ja', 'address', 'phone'])
  })

  test('inviting staff: an invitation by mail, the same for an existing account; no role yet', async ({
    assert,
  }) => {
    const city = await minato()
    const by = await staffOf(city)
    const provider = await register(city)
    const since = new Date()
    const invited = await ProviderRegistry.inviteStaff(
      city.id,
      provider.id,
      { email: 'Kanri@Hikari.example', fullName: '光 管理', locale: 'ja', role: 'provider_admin' },
      by
    )
    assert.deepInclude(invited.serialize(), {
      email: 'kanri@hikari.example',
      role: 'provider_admin',
      providerId: provider.id,
      municipalityId: city.id,
    })
    assert.isNull(await User.findBy('email', 'kanri@hikari.example'))
    const mail = await waitForMail('kanri@hikari.example', since)
    assert.equal(mail.subject, 'ともに Tomoni に招待されました（ひかり産後ケア）')
    assert.include(mail.text, 'ひかり産後ケア（港区）の事業者管理者として')
    assert.include(mail.text, '/invitations/')
    const event = await lastEvent(city.id)
    assert.equal(event.action, 'provider.staff_invited')
    assert.equal(detailsOf(event).invitation_id, invited.id)

    const existing = await User.findByOrFail('email', 'helper@aozora.example')
    await ProviderRegistry.inviteStaff(
      city.id,
      provider.id,
      { email: existing.email, fullName: '光 スタッフ', locale: 'ja', role: 'provider_staff' },
      by
    )
    const notice = await waitForMail('helper@aozora.example', since)
    assert.equal(notice.subject, 'ともに Tomoni に招待されました（ひかり産後ケア）')
    assert.include(notice.text, '光 スタッフ さん')
    const staff = await ProviderRegistry.staff(city.id, provider.id)
    assert.lengthOf(staff, 0)
    const memberships = await Membership.query().where('provider_id', provider.id)
    assert.lengthOf(memberships, 0)
  })
})
