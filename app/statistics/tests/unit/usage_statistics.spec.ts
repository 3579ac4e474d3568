import { test } from '@japa/runner'
import testUtils from '@adonisjs/core/services/test_utils'
import Municipality from '#tenancy/municipality'
import Provider from '#tenancy/provider'
import Facility from '#tenancy/facility'
import { HOME_HELP, POSTPARTUM, lot, residents, visit } from '#tests/helpers/usage_data'
import { createSecondTenant } from '#tests/helpers/tenants'
import UsageStatistics from '#statistics/usage_statistics'

/**
 * A known dataset in a municipality of its own (Shinjuku), May 2026:
 * facility A: 8 residents, one 2-hour visit each; facility B: 1 resident,
 * two 1-hour visits; plus visits and lots on both sides of the month's
 * edges (Japan time), visits not approved, and another program's visit.
 */
async function dataset() {
  const { municipality } = await createSecondTenant()
  const provider = await Provider.create({ nameJa: 'みどり介護', nameEn: 'Midori Care' })
  const facilityA = await Facility.create({
    providerId: provider.id,
    nameJa: 'みどり A',
    nameEn: 'Midori A',
  })
  const facilityB = await Facility.create({
    providerId: provider.id,
    nameJa: 'みどり B',
    nameEn: 'Midori B',
  })
  const people = await residents(municipality, 10)
  const [first, ...others] = people
  const eight = people.slice(0, 8)
  const ninth = people[8]
  const tenth = people[9]

  for (const resident of eight) await visit(resident, '2026-05-15', 120, facilityA)
  await visit(ninth, '2026-05-01', 60, facilityB)
  await visit(ninth, '2026-05-31', 60, facilityB)
  // not approved (yet / any more), or outside May
  await visit(first, '2026-05-20', 60, facilityA, 'reserved')
  await visit(first, '2026-05-21', 60, facilityA, 'released')
  await visit(first, '2026-05-22', 60, facilityA, 'cancelled')
  await visit(first, '2026-04-30', 60, facilityA)
  await visit(first, '2026-06-01', 60, facilityA)
  // another program
  await visit(tenth, '2026-05-10', 180, null, 'posted', HOME_HELP)

  // 00:00 on 1 May in Japan is 15:00 UTC on 30 April
  for (const resident of eight) await lot(resident, '2026-04-30T15:00:00Z', 128 * 60)
  await lot(ninth, '2026-04-30T14:59:59Z', 96 * 60) // still April in Japan
  await lot(ninth, '2026-05-31T14:59:59Z', 60, POSTPARTUM, 'revoked') // left out
  await lot(tenth, '2026-05-31T14:59:59Z', 36 * 60, HOME_HELP) // 23:59:59 on 31 May

  void others
  return { municipality, facilityA, facilityB }
}

test.group('Usage statistics', (group) => {
  group.each.setup(() => testUtils.db().withGlobalTransaction())

  test('a month of one program: grants by creation, usage by approved visits', async ({
    assert,
  }) => {
    const { municipality } = await dataset()
    const figures = await new UsageStatistics(municipality.id, POSTPARTUM).month('2026-05')
    assert.deepEqual(figures.granted, { residents: 8, lots: 8, minutes: 8 * 128 * 60 })
    assert.deepEqual(figures.used, { residents: 9, visits: 10, minutes: 8 * 120 + 120 })

    const april = await new UsageStatistics(municipality.id, POSTPARTUM).month('2026-04')
    assert.deepEqual(april.granted, { residents: 1, lots: 1, minutes: 96 * 60 })
    assert.deepEqual(april.used, { residents: 1, visits: 1, minutes: 60 })
  })

  test('all programs together, and a month with nothing', async ({ assert }) => {
    const { municipality } = await dataset()
    const all = await new UsageStatistics(municipality.id, null).month('2026-05')
    assert.deepEqual(all.granted, { residents: 9, lots: 9, minutes: 8 * 128 * 60 + 36 * 60 })
    assert.deepEqual(all.used, { residents: 10, visits: 11, minutes: 8 * 120 + 120 + 180 })
    const empty = await new UsageStatistics(municipality.id, null).month('2025-01')
    assert.deepEqual(empty.used, { residents: 0, visits: 0, minutes: 0 })
    assert.deepEqual(UsageStatistics.shownUsage(empty.used), { residents: 0, visits: 0, hours: 0 })
  })

  test('several months: figures added up, each resident counted once', async ({ assert }) => {
    const { municipality, facilityA, facilityB } = await dataset()
    const statistics = new UsageStatistics(municipality.id, POSTPARTUM)
    const spring = await statistics.period(['2026-04', '2026-05', '2026-06'])
    // the first resident visits in April, May and June: one resident, three visits
    assert.deepEqual(spring.used, { residents: 9, visits: 12, minutes: 60 + 8 * 120 + 120 + 60 })
    // the ninth resident's April lot and the eight May lots (the revoked one left out)
    assert.deepEqual(spring.granted, { residents: 9, lots: 9, minutes: (8 * 128 + 96) * 60 })

    const rows = await statistics.facilities(['2026-04', '2026-05', '2026-06'])
    const byId = (id: number) => rows.find((row) => row.facilityId === id)!
    assert.deepEqual(
      { residents: byId(facilityA.id).residents, visits: byId(facilityA.id).visits },
      { residents: 8, visits: 10 }
    )
    assert.deepEqual(
      { residents: byId(facilityB.id).residents, visits: byId(facilityB.id).visits },
      { residents: 1, visits: 2 }
    )
    // one month alone reads as before
    assert.deepEqual(await statistics.period(['2026-05']), await statistics.month('2026-05'))
  })

  test('per facility: 8 residents are shown, 1 resident is "*" with its hours', async ({
    assert,
  }) => {
    const { municipality, facilityA, facilityB } = await dataset()
    const rows = await new UsageStatistics(municipality.id, null).facilities('2026-05')
    const byId = (id: number | null) => rows.find((row) => row.facilityId === id)!
    assert.deepEqual(
      { ...byId(facilityA.id), facility: byId(facilityA.id).facility?.ja },
      {
        facilityId: facilityA.id,
        facility: 'みどり A',
        provider: { ja: 'みどり介護', en: 'Midori Care' },
        residents: 8,
        visits: 8,
        minutes: 960,
      }
    )
    assert.deepEqual(UsageStatistics.shownUsage(byId(facilityA.id)), {
      residents: 8,
      visits: 8,
      hours: 16,
    })
    assert.deepEqual(UsageStatistics.shownUsage(byId(facilityB.id)), {
      residents: '*',
      visits: '*',
      hours: '*',
    })
    // the visit without a facility (another program) is its own row
    assert.equal(byId(null).residents, 1)
    assert.lengthOf(rows, 3)
  })

  test('twelve months to the chosen one, oldest first, with suppression', async ({ assert }) => {
    const { municipality } = await dataset()
    const statistics = new UsageStatistics(municipality.id, POSTPARTUM)
    const months = UsageStatistics.twelveMonthsTo('2026-06')
    assert.equal(months[0], '2025-07')
    assert.equal(months[11], '2026-06')
    const rows = await statistics.months(months)
    const may = rows.find((row) => row.month === '2026-05')!
    const april = rows.find((row) => row.month === '2026-04')!
    const june = rows.find((row) => row.month === '2026-06')!
    assert.deepEqual(may.granted, { residents: 8, lots: 8, minutes: 8 * 128 * 60 })
    assert.deepEqual(UsageStatistics.shownGrant(may.granted), {
      residents: 8,
      lots: 8,
      hours: 1024,
    })
    assert.deepEqual(UsageStatistics.shownGrant(april.granted), {
      residents: '*',
      lots: '*',
      hours: '*',
    })
    assert.deepEqual(june.used, { residents: 1, visits: 1, minutes: 60 })
    assert.deepEqual(rows[0].used, { residents: 0, visits: 0, minutes: 0 })
  })

  test('a boundary of 7 residents is suppressed, 8 is not', async ({ assert }) => {
    const { municipality } = await createSecondTenant()
    const provider = await Provider.create({ nameJa: '境界', nameEn: 'Edge' })
    const facility = await Facility.create({
      providerId: provider.id,
      nameJa: '境界',
      nameEn: 'Edge',
    })
    const people = await residents(municipality, 8)
    for (const resident of people.slice(0, 7)) await visit(resident, '2026-03-03', 60, facility)
    const statistics = new UsageStatistics(municipality.id, POSTPARTUM)
    const seven = await statistics.month('2026-03')
    assert.deepEqual(UsageStatistics.shownUsage(seven.used), {
      residents: '*',
      visits: '*',
      hours: '*',
    })
    await visit(people[7], '2026-03-04', 60, facility)
    const eight = await statistics.month('2026-03')
    assert.deepEqual(UsageStatistics.shownUsage(eight.used), { residents: 8, visits: 8, hours: 8 })
  })

  test("another municipality's ledger is never counted", async ({ assert }) => {
    await dataset()
    const minato = await Municipality.findByOrFail('slug', 'minato')
    const figures = await new UsageStatistics(minato.id, null).month('2026-05')
    assert.deepEqual(figures.used, { residents: 0, visits: 0, minutes: 0 })
    assert.deepEqual(figures.granted, { residents: 0, lots: 0, minutes: 0 })
  })
})
