import { test } from '@japa/runner'
import testUtils from '@adonisjs/core/services/test_utils'
import db from '@adonisjs/lucid/services/db'
import DemoData, { DEMO_ACCOUNTS } from '#database/demo_data'

async function counts() {
  const tables = [
    'municipalities',
    'providers',
    'users',
    'memberships',
    'residents',
    'children',
    'ledger_lots',
  ]
  const totals: Record<string, number> = {}
  for (const table of tables) {
    const row = await db.from(table).count('* as total').first()
    totals[table] = Number(row.total)
  }
  return totals
}

test.group('Demo data', (group) => {
  group.each.setup(() => testUtils.db().withGlobalTransaction())

  test('seeding again changes nothing', async ({ assert }) => {
    const before = await counts()
    await DemoData.seed()
    assert.deepEqual(await counts(), before)
    assert.equal(before.users, DEMO_ACCOUNTS.length)
    assert.equal(before.municipalities, 1)
  })

  test('the demo coupons: Hanako’s postpartum hours and Yui’s tickets, seeded once', async ({
    assert,
  }) => {
    await DemoData.seedCoupons()
    const once = await counts()
    await DemoData.seedCoupons()
    assert.deepEqual(await counts(), once)
    const lots = await db
      .from('ledger_lots')
      .join('residents', 'residents.id', 'ledger_lots.resident_id')
      .whereIn('residents.resident_number', ['MN-000101', 'MN-000102'])
      .orderBy('ledger_lots.id')
      .select('residents.resident_number', 'ledger_lots.plugin_id', 'ledger_lots.granted_minutes')
    assert.deepEqual(
      lots.map((lot) => [lot.resident_number, lot.plugin_id, Number(lot.granted_minutes) / 60]),
      [
        ['MN-000101', 'postpartum_support', 128],
        ['MN-000101', 'postpartum_support', 48],
        ['MN-000101', 'postpartum_support', 48],
        ['MN-000102', 'single_parent_home_help', 36],
      ]
    )
  })
})
