import { test } from '@japa/runner'
import { hiddenRows, isSmallCount, suppressCount, suppressRow } from '#statistics/small_cells'

test.group('Small-cell suppression', () => {
  test('counts of 1 to 7 people are "*"; 0 and 8 or more are shown', ({ assert }) => {
    assert.equal(suppressCount(0), 0)
    assert.equal(suppressCount(1), '*')
    assert.equal(suppressCount(7), '*')
    assert.equal(suppressCount(8), 8)
    assert.equal(suppressCount(120), 120)
    assert.isFalse(isSmallCount(0))
    assert.isTrue(isSmallCount(1))
    assert.isTrue(isSmallCount(7))
    assert.isFalse(isSmallCount(8))
  })

  test('every figure of a row with a small count of people is "*" too', ({ assert }) => {
    assert.deepEqual(suppressRow(7, { visits: 30, hours: 61.5 }), {
      people: '*',
      visits: '*',
      hours: '*',
    })
    assert.deepEqual(suppressRow(1, { hours: 0 }), { people: '*', hours: '*' })
    assert.deepEqual(suppressRow(8, { visits: 9, hours: 2 }), { people: 8, visits: 9, hours: 2 })
    assert.deepEqual(suppressRow(0, { visits: 0, hours: 0 }), { people: 0, visits: 0, hours: 0 })
  })

  test('a lone hidden row hides the smallest other row with people too', ({ assert }) => {
    // 3 could be worked out as the total minus 40 and 12: 12 is hidden too
    assert.deepEqual(hiddenRows([40, 3, 12, 0]), [false, true, true, false])
    // two rows already hidden (or none): nothing more
    assert.deepEqual(hiddenRows([40, 3, 5, 12]), [false, true, true, false])
    assert.deepEqual(hiddenRows([40, 8, 0]), [false, false, false])
    // nothing else to hide beside it
    assert.deepEqual(hiddenRows([2, 0]), [true, false])
    assert.deepEqual(hiddenRows([]), [])
  })
})
