import { test } from '@japa/runner'
import testUtils from '@adonisjs/core/services/test_utils'
import db from '@adonisjs/lucid/services/db'
import DemoData, { DEMO_ACCOUNTS } from '#database/demo_data'

async function counts() {
  const tables = ['municipalities', 'providers', 'users', 'memberships', 'residents']
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
})
