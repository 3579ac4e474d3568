import { test } from '@japa/runner'
import testUtils from '@adonisjs/core/services/test_utils'
import db from '@adonisjs/lucid/services/db'
import DemoData, { DEMO_ACCOUNTS } from '#database/demo_data'

async function counts() {
  const tables = ['municipalities', 'providers', 'users', 'memberships', 'residents']
  const entries = await Promise.all(
    tables.map(async (table) => {
      const row = await db.from(table).count('* as total').first()
      return [table, Number(row.total)] as const
    })
  )
  return Object.fromEntries(entries)
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
