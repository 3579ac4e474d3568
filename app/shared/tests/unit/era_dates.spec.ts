import { test } from '@japa/runner'
import { eraDate } from '#shared/era_dates'

test.group('Dates in the Japanese era calendar (和暦)', () => {
  test('a day is written with its era, the first year as 元年', ({ assert }) => {
    assert.equal(eraDate('2026-04-01'), '令和8年4月1日')
    assert.equal(eraDate('2019-05-01'), '令和元年5月1日')
    assert.equal(eraDate('2019-04-30'), '平成31年4月30日')
    assert.equal(eraDate('1989-01-08'), '平成元年1月8日')
  })

  test('anything that is not a day is left as it is', ({ assert }) => {
    assert.equal(eraDate(''), '')
    assert.equal(eraDate('2026-04'), '2026-04')
    assert.equal(eraDate('令和8年4月1日'), '令和8年4月1日')
  })
})
