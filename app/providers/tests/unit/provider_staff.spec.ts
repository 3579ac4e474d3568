import { test } from '@japa/runner'
import testUtils from '@adonisjs/core/services/test_utils'
import db from '@adonisjs/lucid/services/db'
import { DateTime } from 'luxon'
import Membership from '#identity/membership'
import Provider from '#tenancy/provider'
import User from '#identity/user'
import ProviderStaff from '#providers/provider_staff'
import ProviderStaffRefusal from '#providers/provider_staff_refusal'
import type { StaffAction } from '#audit/staff_action'
import { minato } from '#tests/helpers/programs'

async function scope() {
  const city = await minato()
  const provider = await Provider.findByOrFail('nameJa', 'あおぞら家事支援サービス')
  return { municipalityId: city.id, providerId: provider.id }
}

async function user(email: string) {
  return User.findByOrFail('email', email)
}

function actingAs(userId: number, role: StaffAction['actorRole'] = 'provider_admin'): StaffAction {
  return {
    actorUserId: userId,
    actorRole: role,
    source: { channel: 'web', ip: '192.0.2.20' },
    destination: 'tests',
  }
}

async function refusalOf(work: () => Promise<unknown>) {
  try {
    await work()
  } catch (error) {
    if (error instanceof ProviderStaffRefusal) return error.code
    throw error
  }
  throw new Error('the change was accepted')
}

/** Yui as a second administrator of Aozora in Minato */
async function secondAdmin() {
  const where = await scope()
  const yui = await user('yui@example.jp')
  await Membership.create({
    userId: yui.id,
    municipalityId: where.municipalityId,
    providerId: where.providerId,
    role: 'provider_admin',
  })
  return yui
}

test.group('Provider staff', (group) => {
  group.each.setup(() => testUtils.db().withGlobalTransaction())

  test('lists one line per person, stronger role first, disabled last', async ({ assert }) => {
    const where = await scope()
    const owner = await user('owner@aozora.example')
    const helper = await user('helper@aozora.example')
    // the helper was also made an administrator, then disabled
    await Membership.create({ ...where, userId: helper.id, role: 'provider_admin' })
    await ProviderStaff.disable(where, helper.id, actingAs(owner.id))
    const list = await ProviderStaff.list(where, owner.id)
    assert.deepEqual(
      list.map((row) => [row.email, row.role, row.disabled, row.self]),
      [
        ['owner@aozora.example', 'provider_admin', false, true],
        ['helper@aozora.example', 'provider_admin', true, false],
      ]
    )
    const memberships = await Membership.query().where('user_id', helper.id)
    assert.isTrue(memberships.every((membership) => membership.disabledAt !== null))
  })

  test('the last enabled administrator cannot be disabled', async ({ assert }) => {
    const where = await scope()
    const owner = await user('owner@aozora.example')
    const municipalStaff = await user('staff@minato.example')
    const code = await refusalOf(() =>
      ProviderStaff.disable(where, owner.id, actingAs(municipalStaff.id, 'municipal_staff'))
    )
    assert.equal(code, 'last_admin')
    const [membership] = await Membership.query().where('user_id', owner.id)
    assert.isNull(membership.disabledAt)
    // a disabled administrator does not count as another one
    const yui = await secondAdmin()
    await db
      .from('memberships')
      .where('user_id', yui.id)
      .update({ disabled_at: DateTime.now().toSQL() })
    assert.equal(
      await refusalOf(() =>
        ProviderStaff.disable(where, owner.id, actingAs(municipalStaff.id, 'municipal_staff'))
      ),
      'last_admin'
    )
  })

  test('disabling ends the person’s sessions, and only theirs', async ({ assert }) => {
    const where = await scope()
    const owner = await user('owner@aozora.example')
    const helper = await user('helper@aozora.example')
    const expiresAt = DateTime.now().plus({ hours: 1 }).toSQL()
    await db.table('sessions').multiInsert([
      { id: 'helper-phone', data: '{}', user_id: String(helper.id), expires_at: expiresAt },
      { id: 'helper-pc', data: '{}', user_id: String(helper.id), expires_at: expiresAt },
      { id: 'owner-pc', data: '{}', user_id: String(owner.id), expires_at: expiresAt },
    ])
    await ProviderStaff.disable(where, helper.id, actingAs(owner.id))
    const left = await db
      .from('sessions')
      .whereIn('id', ['helper-phone', 'helper-pc', 'owner-pc'])
      .select('id')
    assert.deepEqual(
      left.map((row) => row.id),
      ['owner-pc']
    )
  })

  test('a disabled person is enabled rather than invited again', async ({ assert }) => {
    const where = await scope()
    const owner = await user('owner@aozora.example')
    const helper = await user('helper@aozora.example')
    await ProviderStaff.disable(where, helper.id, actingAs(owner.id))
    const code = await refusalOf(() =>
      ProviderStaff.invite(
        where,
        { email: 'HELPER@aozora.example', fullName: 'x', locale: 'ja', role: 'provider_admin' },
        actingAs(owner.id)
      )
    )
    assert.equal(code, 'already_disabled_member')
    assert.lengthOf(await Membership.query().where('user_id', helper.id), 1)
  })

  test('someone not on this staff is not found (null), nothing changes', async ({ assert }) => {
    const where = await scope()
    const owner = await user('owner@aozora.example')
    const resident = await user('hanako@example.jp')
    assert.isNull(await ProviderStaff.disable(where, resident.id, actingAs(owner.id)))
    assert.isNull(await ProviderStaff.enable(where, resident.id, actingAs(owner.id)))
    // Aozora's owner as seen from another provider's scope
    const other = await Provider.create({ nameJa: '別事業者', nameEn: 'Other' })
    assert.isNull(
      await ProviderStaff.disable({ ...where, providerId: other.id }, owner.id, actingAs(owner.id))
    )
  })
})

test.group('Provider staff under concurrency', (group) => {
  // No global transaction: the two changes must really run side by side.
  group.each.teardown(async () => {
    const yui = await user('yui@example.jp')
    const owner = await user('owner@aozora.example')
    await db.from('memberships').where('user_id', yui.id).where('role', 'provider_admin').delete()
    await db.from('memberships').where('user_id', owner.id).update({ disabled_at: null })
  })

  test('two administrators disabling each other at once: one wins', async ({ assert }) => {
    const where = await scope()
    const owner = await user('owner@aozora.example')
    const yui = await secondAdmin()
    const outcomes = await Promise.allSettled([
      ProviderStaff.disable(where, yui.id, actingAs(owner.id)),
      ProviderStaff.disable(where, owner.id, actingAs(yui.id)),
    ])
    const won = outcomes.filter((outcome) => outcome.status === 'fulfilled')
    const lost = outcomes.filter(
      (outcome): outcome is PromiseRejectedResult => outcome.status === 'rejected'
    )
    assert.lengthOf(won, 1)
    assert.lengthOf(lost, 1)
    assert.instanceOf(lost[0].reason, ProviderStaffRefusal)
    assert.equal(lost[0].reason.code, 'last_admin')
    const active = await Membership.query()
      .where('municipality_id', where.municipalityId)
      .where('provider_id', where.providerId)
      .where('role', 'provider_admin')
      .whereNull('disabled_at')
    assert.lengthOf(active, 1)
  })
})
