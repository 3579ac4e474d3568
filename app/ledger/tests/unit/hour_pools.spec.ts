import { test } from '@japa/runner'
import { hourPools } from '#ledger/hour_pools'

const HOUR = 60

test.group('Hour pools: balances as the hours they are', () => {
  test('a helper and a doula paid from the same lot are one pool, the doula a part of it', ({
    assert,
  }) => {
    const pools = hourPools(
      ['home_helper', 'doula'],
      [
        { service: 'home_helper', minutes: 126 * HOUR },
        { service: 'doula', minutes: 28 * HOUR },
      ],
      [['home_helper', 'doula']]
    )
    assert.deepEqual(pools, [
      {
        services: ['home_helper', 'doula'],
        minutes: 126 * HOUR,
        limits: [{ service: 'doula', minutes: 28 * HOUR }],
      },
    ])
  })

  test('services any of which may use all the hours: one pool, no part', ({ assert }) => {
    const pools = hourPools(
      ['housework', 'childcare'],
      [
        { service: 'housework', minutes: 40 * HOUR },
        { service: 'childcare', minutes: 40 * HOUR },
      ],
      [
        ['housework', 'childcare'],
        ['housework', 'childcare'],
      ]
    )
    assert.deepEqual(pools, [
      { services: ['housework', 'childcare'], minutes: 40 * HOUR, limits: [] },
    ])
  })

  test('lots of their own make separate pools, which do add up', ({ assert }) => {
    const pools = hourPools(
      ['a', 'b', 'c'],
      [
        { service: 'a', minutes: 10 * HOUR },
        { service: 'b', minutes: 20 * HOUR },
        { service: 'c', minutes: 20 * HOUR },
      ],
      [['a'], ['b', 'c'], ['unknown_service', 'a']]
    )
    assert.deepEqual(pools, [
      { services: ['a'], minutes: 10 * HOUR, limits: [] },
      { services: ['b', 'c'], minutes: 20 * HOUR, limits: [] },
    ])
  })

  test('two lots that overlap on one service join all three services', ({ assert }) => {
    const pools = hourPools(
      ['a', 'b', 'c'],
      [
        { service: 'a', minutes: 5 * HOUR },
        { service: 'b', minutes: 15 * HOUR },
        { service: 'c', minutes: 10 * HOUR },
      ],
      [
        ['a', 'b'],
        ['c', 'b'],
      ]
    )
    assert.lengthOf(pools, 1)
    assert.equal(pools[0].minutes, 15 * HOUR)
    assert.deepEqual(pools[0].limits, [
      { service: 'a', minutes: 5 * HOUR },
      { service: 'c', minutes: 10 * HOUR },
    ])
  })

  test('without usable lots every service stands alone at 0', ({ assert }) => {
    assert.deepEqual(
      hourPools(
        ['home_helper', 'doula'],
        [
          { service: 'home_helper', minutes: 0 },
          { service: 'doula', minutes: 0 },
        ],
        []
      ),
      [
        { services: ['home_helper'], minutes: 0, limits: [] },
        { services: ['doula'], minutes: 0, limits: [] },
      ]
    )
  })
})
