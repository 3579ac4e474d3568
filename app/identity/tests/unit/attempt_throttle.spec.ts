import { test } from '@japa/runner'
import { setTimeout as sleep } from 'node:timers/promises'
import testUtils from '@adonisjs/core/services/test_utils'
import db from '@adonisjs/lucid/services/db'
import AttemptThrottle, { LOGIN_RULES, SECOND_FACTOR_RULES } from '#identity/attempt_throttle'

const pairRule = LOGIN_RULES.find((rule) => rule.name === 'account_and_ip')!
const accountRule = LOGIN_RULES.find((rule) => rule.name === 'account')!

test.group('Login throttle', (group) => {
  group.each.setup(() => testUtils.db().withGlobalTransaction())

  test('blocks expire by themselves: nobody is locked out for good', async ({ assert }) => {
    const throttle = new AttemptThrottle([
      { ...pairRule, requests: 2, duration: '1 sec', blockDuration: '1 sec' },
    ])
    const who = { email: 'a@example.jp', ip: '192.0.2.1' }
    assert.isNull(await throttle.consume(who))
    assert.isNull(await throttle.consume(who))
    const refused = await throttle.consume(who)
    assert.equal(refused?.rule, 'account_and_ip')
    assert.isAbove(refused!.retryAfterSeconds, 0)
    await sleep(1200)
    assert.isNull(await throttle.consume(who))
  })

  test('the account rule catches guesses spread over many addresses', async ({ assert }) => {
    const throttle = new AttemptThrottle([{ ...accountRule, requests: 3 }])
    for (const ip of ['192.0.2.1', '192.0.2.2', '192.0.2.3']) {
      assert.isNull(await throttle.consume({ email: 'b@example.jp', ip: ip }))
    }
    const refused = await throttle.consume({ email: 'b@example.jp', ip: '192.0.2.200' })
    assert.equal(refused?.rule, 'account')
    assert.isNull(await throttle.consume({ email: 'c@example.jp', ip: '192.0.2.200' }))
  })

  test('attempts at once take exactly the limit, and a refund gives a place back', async ({
    assert,
  }) => {
    const throttle = new AttemptThrottle([{ ...accountRule, requests: 4 }])
    const who = { email: 'd@example.jp', ip: '192.0.2.9' }
    const outcomes = await Promise.all(Array.from({ length: 20 }, () => throttle.consume(who)))
    assert.equal(outcomes.filter((outcome) => outcome === null).length, 4)

    const fresh = { email: 'e@example.jp', ip: '192.0.2.9' }
    for (let attempt = 0; attempt < 10; attempt++) {
      assert.isNull(await throttle.consume(fresh))
      await throttle.refund(fresh)
    }
  })

  test('a refusal by a later rule gives back the places earlier rules took', async ({ assert }) => {
    const throttle = new AttemptThrottle([
      { ...pairRule, requests: 2 },
      { ...accountRule, requests: 1 },
    ])
    assert.isNull(await throttle.consume({ email: 'f@example.jp', ip: '192.0.2.1' }))
    for (let attempt = 0; attempt < 3; attempt++) {
      const refused = await throttle.consume({ email: 'f@example.jp', ip: '192.0.2.1' })
      assert.equal(refused?.rule, 'account')
    }
    // The pair rule kept one place only (the first attempt): a second fits
    const pairOnly = new AttemptThrottle([{ ...pairRule, requests: 2 }])
    assert.isNull(await pairOnly.consume({ email: 'f@example.jp', ip: '192.0.2.1' }))
  })
})

/*
| Outside a test transaction, as in production: SQLite has one connection,
| and the limiter once handed it back to the pool in the middle of its
| upsert, breaking transactions that started on it meanwhile (sign-ins at
| once answered 500 "Transaction query already complete"). The rule's
| numbers are its own, so its limiter store is made here, outside any
| other test's transaction.
*/
test.group('Login throttle beside transactions', () => {
  test('counting attempts while transactions run at once breaks none of them', async ({
    assert,
  }) => {
    const throttle = new AttemptThrottle([
      { ...accountRule, name: 'parallel', requests: 7919, duration: '7 mins' },
    ])
    const outcomes = await Promise.allSettled(
      Array.from({ length: 30 }, async (_, index) => {
        await throttle.consume({ email: `parallel-${index}@example.jp`, ip: '192.0.2.77' })
        await db.transaction(async (trx) => {
          await trx.from('rate_limits').where('key', 'no such key').first()
          await trx.from('rate_limits').where('key', 'no such key').delete()
        })
        await throttle.refund({ email: `parallel-${index}@example.jp`, ip: '192.0.2.77' })
      })
    )
    assert.deepEqual(
      outcomes
        .filter((outcome) => outcome.status === 'rejected')
        .map((outcome) => String(outcome.reason)),
      []
    )
  })
})

const BROKEN_KEY = 'broken_rule:write-refused'

/** The database refuses every counter write of BROKEN_KEY (a trigger) */
async function refuseBrokenKeyWrites() {
  if (db.connection().dialect.name === 'postgres') {
    await db.rawQuery(`CREATE OR REPLACE FUNCTION refuse_broken_rule() RETURNS trigger AS $$
      BEGIN
        IF NEW.key LIKE '%broken_rule:%' THEN RAISE EXCEPTION 'refused by the test'; END IF;
        RETURN NEW;
      END $$ LANGUAGE plpgsql`)
    await db.rawQuery(`CREATE TRIGGER refuse_broken_rule BEFORE INSERT ON rate_limits
      FOR EACH ROW EXECUTE FUNCTION refuse_broken_rule()`)
    return async () => {
      await db.rawQuery('DROP TRIGGER IF EXISTS refuse_broken_rule ON rate_limits')
      await db.rawQuery('DROP FUNCTION IF EXISTS refuse_broken_rule()')
    }
  }
  await db.rawQuery(`CREATE TRIGGER refuse_broken_rule BEFORE INSERT ON rate_limits
    WHEN NEW.key LIKE '%broken_rule:%' BEGIN SELECT RAISE(ABORT, 'refused by the test'); END`)
  return async () => {
    await db.rawQuery('DROP TRIGGER IF EXISTS refuse_broken_rule')
  }
}

// No test transaction here: what is checked is the state the pool's own connection is left in
test.group('Throttle counters when the database refuses a write', () => {
  test('the refused write leaves no transaction open on the connection the next request takes', async ({
    assert,
    cleanup,
  }) => {
    // The store creates its table on first use
    await new AttemptThrottle(SECOND_FACTOR_RULES).consume({ email: 'x@example.jp', ip: '1' })
    cleanup(await refuseBrokenKeyWrites())
    const throttle = new AttemptThrottle([
      { ...accountRule, name: 'broken', key: () => BROKEN_KEY },
    ])

    await assert.rejects(() => throttle.consume({ email: 'd@example.jp', ip: '192.0.2.9' }))

    // The next request's transaction begins, writes and commits on that connection
    const committed = await db.transaction(async (trx) => {
      await trx.table('rate_limits').insert({ key: 'after-refusal', points: 1, expire: null })
      return trx.from('rate_limits').where('key', 'after-refusal').first()
    })
    assert.equal(committed.points, 1)
    cleanup(async () => {
      await db.from('rate_limits').where('key', 'after-refusal').delete()
    })
    assert.isNull(await db.from('rate_limits').where('key', 'like', `%${BROKEN_KEY}`).first())
  })
})
