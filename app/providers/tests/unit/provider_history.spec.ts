import { test } from '@japa/runner'
import { readFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import testUtils from '@adonisjs/core/services/test_utils'
import db from '@adonisjs/lucid/services/db'
import i18nManager from '@adonisjs/i18n/services/main'
import UsageExports from '#usage/usage_exports'
import LedgerEngine from '#ledger/ledger_engine'
import ProviderHistory from '#providers/provider_history'
import ProviderMemos, { MemoRefusal } from '#providers/provider_memos'
import User from '#identity/user'
import { minato } from '#tests/helpers/programs'
import { createSecondTenant } from '#tests/helpers/tenants'
import { otherProvidersVisit } from '#tests/helpers/tenant_routes/provider_history'
import {
  HOME_HELP,
  POSTPARTUM,
  aozoraStation,
  ledgerVisit,
  residentWithLot,
} from '#tests/helpers/usage_fixtures'
import type { StaffAction } from '#audit/staff_action'

/**
 * November 2026 in Minato at Aozora's station: a postpartum helper visit
 * (approved), one waiting, one rejected; single-parent housework (tier
 * III, ¥250 an hour) approved and one cancelled; a visit of another
 * provider the same month and an October visit of Aozora's.
 */
async function november() {
  const city = await minato()
  const { provider, facility } = await aozoraStation()
  const at = { providerId: provider.id, facilityId: facility.id }
  const mother = await residentWithLot(city, { familyName: '港', givenName: '花子' }, POSTPARTUM)
  const approved = await ledgerVisit(city, mother, POSTPARTUM, {
    service: 'home_helper',
    date: '2026-11-04',
    start: '09:30',
    minutes: 120,
    ...at,
  })
  const waiting = await ledgerVisit(city, mother, POSTPARTUM, {
    service: 'doula',
    date: '2026-11-20',
    minutes: 60,
    status: 'reserved',
    ...at,
  })
  const rejected = await ledgerVisit(city, mother, POSTPARTUM, {
    service: 'home_helper',
    date: '2026-11-21',
    minutes: 60,
    status: 'reserved',
    ...at,
  })
  await LedgerEngine.release(rejected, null, '日程の誤り')
  await ledgerVisit(city, mother, POSTPARTUM, {
    service: 'home_helper',
    date: '2026-10-30',
    minutes: 60,
    ...at,
  })

  const parent = await residentWithLot(
    city,
    { familyName: '芝', givenName: '太郎' },
    HOME_HELP,
    'III'
  )
  const housework = await ledgerVisit(city, parent, HOME_HELP, {
    service: 'housework',
    date: '2026-11-06',
    minutes: 120,
    ...at,
  })
  await ledgerVisit(city, parent, HOME_HELP, {
    service: 'childcare',
    date: '2026-11-07',
    minutes: 180,
    status: 'cancelled',
    ...at,
  })

  const { other, stranger, othersVisit } = await otherProvidersVisit(city, 'VII')
  return {
    city,
    provider,
    facility,
    mother,
    parent,
    stranger,
    other,
    ids: { approved, waiting, rejected, housework, othersVisit },
  }
}

async function actor(): Promise<StaffAction> {
  const owner = await User.findByOrFail('email', 'owner@aozora.example')
  return { actorUserId: owner.id, actorRole: 'provider_admin', source: { channel: 'web' } }
}

test.group('Provider history: the month per facility and program', (group) => {
  group.each.setup(() => testUtils.db().withGlobalTransaction())

  test('groups by facility and program with totals of the approved visits and co-payments', async ({
    assert,
  }) => {
    const { city, provider, facility, ids } = await november()
    const history = new ProviderHistory(city.id, provider.id)
    const groups = await history.month({ month: '2026-11' }, [facility.id])
    assert.deepEqual(
      groups.map((entry) => [entry.facilityId, entry.pluginId, entry.programCode]),
      [
        [facility.id, 'postpartum_support', 'postpartum'],
        [facility.id, 'single_parent_home_help', 'home_help'],
      ]
    )
    const [postpartum, homeHelp] = groups
    assert.deepEqual(
      postpartum.visits.map((visit) => [visit.id, visit.status, visit.visitStart]),
      [
        [ids.approved, 'posted', '09:30'],
        [ids.waiting, 'reserved', '10:00'],
        [ids.rejected, 'released', '10:00'],
      ]
    )
    assert.equal(postpartum.visits[2].reason, '日程の誤り')
    assert.equal(postpartum.visits[0].residentName, '港 花子')
    // Postpartum has no co-payment
    assert.isNull(postpartum.totals.copaymentYen)
    assert.isNull(postpartum.visits[0].copaymentYen)
    assert.deepInclude(postpartum.totals, { visits: 1, minutes: 120 })
    assert.deepEqual(postpartum.totals.byStatus.reserved, { visits: 1, minutes: 60 })
    assert.deepEqual(postpartum.totals.byStatus.released, { visits: 1, minutes: 60 })

    // Tier III: ¥250 an hour; two hours owed, the cancelled visit owes nothing
    assert.deepEqual(
      homeHelp.visits.map((visit) => [visit.id, visit.copaymentYen, visit.copaymentTiers]),
      [
        [ids.housework, 500, ['III']],
        [homeHelp.visits[1].id, 0, ['III']],
      ]
    )
    assert.deepInclude(homeHelp.totals, { visits: 1, minutes: 120, copaymentYen: 500 })
    assert.deepEqual(homeHelp.totals.byStatus.cancelled, { visits: 1, minutes: 180 })
  })

  test('only this provider, this municipality, the month and the filters', async ({ assert }) => {
    const { city, provider, facility, other, ids } = await november()
    const all = (groups: Awaited<ReturnType<ProviderHistory['month']>>) =>
      groups.flatMap((entry) => entry.visits.map((visit) => visit.id))

    const mine = all(await new ProviderHistory(city.id, provider.id).month({ month: '2026-11' }))
    assert.notInclude(mine, ids.othersVisit)
    assert.lengthOf(mine, 5)
    const theirs = all(
      await new ProviderHistory(city.id, other.provider.id).month({ month: '2026-11' })
    )
    assert.deepEqual(theirs, [ids.othersVisit])

    const history = new ProviderHistory(city.id, provider.id)
    assert.lengthOf(all(await history.month({ month: '2026-10' })), 1)
    assert.lengthOf(
      all(
        await history.month({
          month: '2026-11',
          pluginId: 'single_parent_home_help',
          programCode: 'home_help',
        })
      ),
      2
    )
    assert.lengthOf(all(await history.month({ month: '2026-11', facilityId: facility.id })), 5)
    assert.lengthOf(
      all(await history.month({ month: '2026-11', facilityId: other.facility.id })),
      0
    )

    const { municipality: shinjuku } = await createSecondTenant()
    assert.lengthOf(
      all(await new ProviderHistory(shinjuku.id, provider.id).month({ month: '2026-11' })),
      0
    )
  })

  test('a corrected visit shows once, as its replacement', async ({ assert }) => {
    const { city, provider, ids } = await november()
    // CouponRedemption.correct releases the old row and points it to its replacement
    await db
      .from('ledger_redemptions')
      .where('id', ids.waiting)
      .update({ replaced_by_redemption_id: ids.approved })
    const groups = await new ProviderHistory(city.id, provider.id).month({ month: '2026-11' })
    const visits = groups.flatMap((entry) => entry.visits).map((visit) => visit.id)
    assert.notInclude(visits, ids.waiting)
    assert.include(visits, ids.approved)
  })

  test('the month CSV with a provider scope holds that provider’s rows only', async ({
    assert,
  }) => {
    const { city, provider, facility, other } = await november()
    const path = join(tmpdir(), `provider-export-${process.pid}.csv`)
    const exports = new UsageExports(city.id, i18nManager.locale('ja'), {
      providerId: provider.id,
    })
    await exports.write(
      {
        format: 'plugin',
        pluginId: 'single_parent_home_help',
        specKey: 'provider_usage',
        month: '2026-11',
        facilityId: facility.id,
      },
      'utf8_bom',
      path
    )
    const bytes = await readFile(path)
    const text = bytes.toString('utf8')
    await rm(path, { force: true })
    assert.include(text, '芝 太郎')
    assert.notInclude(text, '白金 次郎')
    assert.notInclude(text, 'みどりケア')

    const theirs = new UsageExports(city.id, i18nManager.locale('ja'), {
      providerId: other.provider.id,
    })
    const table = await theirs.table({ format: 'facility_month', month: '2026-11' })
    assert.equal(await table.count(), 1)
  })
})

test.group('Provider memos', (group) => {
  group.each.setup(() => testUtils.db().withGlobalTransaction())

  test('on a visit or a served resident; never on another provider’s visit or a stranger', async ({
    assert,
  }) => {
    const { city, provider, mother, stranger, ids } = await november()
    const memos = new ProviderMemos(city.id, provider.id)
    const by = await actor()
    const onVisit = await memos.create({ redemptionId: ids.approved }, '使用日 11月4日', by)
    const onResident = await memos.create(
      { residentNumber: mother.residentNumber },
      '次回はエプロン持参',
      by
    )
    const listed = await memos.list()
    assert.deepEqual(
      listed.map((memo) => [memo.id, memo.redemptionId, memo.residentId]),
      [
        [onResident, null, mother.id],
        [onVisit, ids.approved, mother.id],
      ]
    )
    const onlyVisit = await memos.list({ redemptionIds: [ids.approved] })
    assert.deepEqual(
      onlyVisit.map((memo) => memo.id),
      [onVisit]
    )

    const refused = async (work: () => Promise<unknown>) => {
      try {
        await work()
      } catch (error) {
        if (error instanceof MemoRefusal) return error.code
        throw error
      }
      return null
    }
    assert.equal(
      await refused(() => memos.create({ redemptionId: ids.othersVisit }, 'x', by)),
      'unknown_visit'
    )
    assert.equal(
      await refused(() => memos.create({ residentNumber: stranger.residentNumber }, 'x', by)),
      'unknown_resident'
    )
    assert.equal(
      await refused(() => memos.create({ residentNumber: 'NO-SUCH' }, 'x', by)),
      'unknown_resident'
    )

    const created = await db.from('audit_events').where('action', 'provider.memo_created')
    assert.lengthOf(created, 2)
    assert.notInclude(created[0].details, 'エプロン')
  })

  test('another provider neither lists nor deletes them', async ({ assert }) => {
    const { city, provider, mother, other } = await november()
    const mine = new ProviderMemos(city.id, provider.id)
    const by = await actor()
    const id = await mine.create({ residentNumber: mother.residentNumber }, '鍵は管理人室', by)
    const theirs = new ProviderMemos(city.id, other.provider.id)
    assert.deepEqual(await theirs.list(), [])
    assert.isFalse(await theirs.delete(id, by))
    const { municipality: shinjuku } = await createSecondTenant()
    assert.isFalse(await new ProviderMemos(shinjuku.id, provider.id).delete(id, by))
    assert.lengthOf(await mine.list(), 1)
    assert.isTrue(await mine.delete(id, by))
    assert.deepEqual(await mine.list(), [])
    const deleted = await db.from('audit_events').where('action', 'provider.memo_deleted')
    assert.lengthOf(deleted, 1)
  })
})
