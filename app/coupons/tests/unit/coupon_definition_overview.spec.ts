import { test } from '@japa/runner'
import testUtils from '@adonisjs/core/services/test_utils'
import i18nManager from '@adonisjs/i18n/services/main'
import CouponDefinitions from '#ledger/coupon_definitions'
import LedgerEngine from '#ledger/ledger_engine'
import CouponDefinitionOverview from '#coupons/coupon_definition_overview'
import { minato, residentWithChildren, staffOf } from '#tests/helpers/programs'

const POSTPARTUM = { pluginId: 'postpartum_support', programCode: 'postpartum' }

test.group('Coupon definition overview', (group) => {
  group.each.setup(() => testUtils.db().withGlobalTransaction())

  test('every version of each enabled program in words and hours, default marked', async ({
    assert,
  }) => {
    const city = await minato()
    const overview = new CouponDefinitionOverview(i18nManager.locale('ja'))
    const programs = await overview.programs(city.id)
    const postpartum = programs.find((program) => program.programCode === 'postpartum')!
    assert.equal(postpartum.defaultVersion, '2024-04')
    assert.deepEqual(
      postpartum.definitions.map((definition) => [definition.version, definition.isDefault]),
      [
        ['2024-04', true],
        ['2021-04', false],
      ]
    )
    const current = postpartum.definitions[0]
    assert.equal(current.per, 'child')
    assert.deepEqual(
      current.windows.map((window) => window.hours),
      [128, 48, 48]
    )
    assert.deepEqual(current.windows[0].subCaps, [
      { service: '家事・育児支援（産後ドゥーラ）', hours: 30 },
    ])
    assert.equal(current.windows[0].to, '出生日（出産予定日）の12か月後の1日前')
    assert.deepEqual(current.serviceUntil, [
      { service: '家事・育児支援（産後ドゥーラ）', until: '出生日（出産予定日）の7か月後の1日前' },
    ])
    assert.deepEqual(current.windows[1].services, ['家事支援（ホームヘルパー）'])

    const english = new CouponDefinitionOverview(i18nManager.locale('en'))
    const englishPrograms = await english.programs(city.id)
    const inEnglish = englishPrograms.find((program) => program.programCode === 'postpartum')!
    assert.equal(
      inEnglish.definitions[0].windows[0].to,
      '1 day before 12 months after the birth (or due) date'
    )
  })

  test('lots are counted per version; switching changes the default only', async ({ assert }) => {
    const { municipality, resident } = await residentWithChildren([{ birthDate: '2026-01-10' }])
    await LedgerEngine.grant({
      municipalityId: municipality.id,
      residentId: resident.id,
      ...POSTPARTUM,
      definitionVersion: '2024-04',
      services: ['home_helper'],
      validFrom: '2026-01-10',
      validTo: '2026-12-31',
      minutes: 60,
    })
    const overview = new CouponDefinitionOverview(i18nManager.locale('ja'))
    const lotsOf = async (version: string) => {
      const programs = await overview.programs(municipality.id)
      return programs
        .find((program) => program.programCode === 'postpartum')!
        .definitions.find((definition) => definition.version === version)!
    }

    const before = await lotsOf('2024-04')
    assert.equal(before.lots, 1)
    const older = await lotsOf('2021-04')
    assert.equal(older.lots, 0)
    await CouponDefinitions.switchDefault(
      municipality.id,
      POSTPARTUM,
      '2021-04',
      await staffOf(municipality)
    )
    const after2024 = await lotsOf('2024-04')
    const after2021 = await lotsOf('2021-04')
    assert.equal(after2024.lots, before.lots)
    assert.isFalse(after2024.isDefault)
    assert.isTrue(after2021.isDefault)
  })
})
