import { test } from '@japa/runner'
import { readFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import iconv from 'iconv-lite'
import { parse } from 'csv-parse/sync'
import testUtils from '@adonisjs/core/services/test_utils'
import i18nManager from '@adonisjs/i18n/services/main'
import UsageExports, {
  type ExportOptions,
  type ExportRequest,
  monthRange,
} from '#usage/usage_exports'
import type { CsvEncoding } from '#csv/csv_export'
import type Municipality from '#tenancy/municipality'
import { minato } from '#tests/helpers/programs'
import { createSecondTenant } from '#tests/helpers/tenants'
import {
  HOME_HELP,
  POSTPARTUM,
  aozoraStation,
  grantLot,
  ledgerVisit,
  usageResident,
} from '#tests/helpers/usage_fixtures'

let fileNumber = 0

/** Writes the export to a temporary file; returns its bytes and its rows parsed back */
async function exported(
  municipality: Municipality,
  request: ExportRequest,
  encoding: CsvEncoding = 'utf8_bom',
  locale = 'ja',
  options: ExportOptions = {}
) {
  const path = join(tmpdir(), `usage-export-${process.pid}-${++fileNumber}.csv`)
  const exports = new UsageExports(municipality.id, i18nManager.locale(locale), {}, options)
  const progress: [number, number][] = []
  const { rows } = await exports.write(request, encoding, path, (done, total) =>
    progress.push([done, total])
  )
  const bytes = await readFile(path)
  await rm(path, { force: true })
  const text =
    encoding === 'cp932'
      ? iconv.decode(bytes, 'cp932')
      : bytes.toString('utf8').replace(/^\uFEFF/, '')
  const table: string[][] = parse(text, { relax_column_count: true })
  return { bytes, text, header: table[0], body: table.slice(1), rows, progress }
}

/**
 * November 2026 in Minato: a postpartum helper visit and a single-parent
 * housework visit with co-payment tier III at Aozora's station, a visit
 * waiting for approval, a cancelled one, one in October; and a Shinjuku
 * visit at the same station the same month.
 */
async function novemberFixture() {
  const city = await minato()
  const { provider, facility } = await aozoraStation()
  const at = { providerId: provider.id, facilityId: facility.id }

  const mother = await usageResident(city, { familyName: '港', givenName: '花子' })
  await grantLot(city, mother, POSTPARTUM)
  const helperVisit = await ledgerVisit(city, mother, POSTPARTUM, {
    service: 'home_helper',
    date: '2026-11-04',
    start: '09:30',
    minutes: 120,
    ...at,
  })
  await ledgerVisit(city, mother, POSTPARTUM, {
    service: 'home_helper',
    date: '2026-11-20',
    minutes: 60,
    status: 'reserved',
    ...at,
  })
  await ledgerVisit(city, mother, POSTPARTUM, {
    service: 'doula',
    date: '2026-10-30',
    minutes: 60,
    ...at,
  })

  // A name a spreadsheet would run as a formula
  const parent = await usageResident(city, { familyName: '=HYPERLINK("x")', givenName: '@父' })
  await grantLot(city, parent, HOME_HELP, 'III')
  const houseworkVisit = await ledgerVisit(city, parent, HOME_HELP, {
    service: 'housework',
    date: '2026-11-02',
    start: '14:00',
    minutes: 120,
    ...at,
  })
  const cancelledVisit = await ledgerVisit(city, parent, HOME_HELP, {
    service: 'childcare',
    date: '2026-11-10',
    minutes: 60,
    status: 'cancelled',
    ...at,
  })

  const { municipality: shinjuku } = await createSecondTenant()
  const outsider = await usageResident(shinjuku, { familyName: '新宿', givenName: '太郎' })
  await grantLot(shinjuku, outsider, POSTPARTUM)
  await ledgerVisit(shinjuku, outsider, POSTPARTUM, {
    service: 'home_helper',
    date: '2026-11-05',
    minutes: 60,
    ...at,
  })

  return { city, shinjuku, mother, parent, helperVisit, houseworkVisit, cancelledVisit }
}

test.group('Usage exports', (group) => {
  group.each.setup(() => testUtils.db().withGlobalTransaction())

  test('month ranges cover the month, December included', ({ assert }) => {
    assert.deepEqual(monthRange('2026-11'), ['2026-11-01', '2026-12-01'])
    assert.deepEqual(monthRange('2026-12'), ['2026-12-01', '2027-01-01'])
  })

  test('施設別利用実績: one row per approved visit of the month, with version and co-payment', async ({
    assert,
  }) => {
    const { city, helperVisit, houseworkVisit } = await novemberFixture()
    const csv = await exported(city, { format: 'facility_month', month: '2026-11' })

    assert.deepEqual([...csv.bytes.subarray(0, 3)], [0xef, 0xbb, 0xbf])
    assert.deepEqual(csv.header, [
      '施設',
      '事業者',
      '利用日',
      '開始時刻',
      '利用者ID',
      '氏名',
      '事業',
      'サービス',
      '利用時間（時間）',
      '制度版',
      '自己負担階層',
      '自己負担額（円）',
      '利用番号',
    ])
    // Only approved visits of November in Minato, by day: no reserved, cancelled,
    // October or Shinjuku visit
    assert.equal(csv.rows, 2)
    assert.deepEqual(
      csv.body.map((row) => row[12]),
      [String(houseworkVisit), String(helperVisit)]
    )
    const [housework, helper] = csv.body
    assert.deepEqual(housework.slice(0, 4), [
      'あおぞら 芝浦ステーション',
      'あおぞら家事支援サービス',
      '2026-11-02',
      '14:00',
    ])
    assert.deepEqual(housework.slice(6, 12), [
      'ひとり親家庭ホームヘルプサービス',
      '家事援助',
      '2',
      '2025-04',
      'III',
      '500',
    ])
    // Neutralized: the cell starts with an apostrophe, never with "="
    assert.equal(housework[5], `'=HYPERLINK("x") @父`)
    assert.deepEqual(helper.slice(6, 12), [
      '産前産後家事・育児支援サービス',
      '家事支援（ホームヘルパー）',
      '2',
      '2024-04',
      '',
      '',
    ])
    assert.notInclude(csv.text, '新宿')
    assert.deepEqual(csv.progress.at(-1), [2, 2])
  })

  test('CP932: Shift_JIS bytes without a BOM, English headers and names in English', async ({
    assert,
  }) => {
    const { city } = await novemberFixture()
    const csv = await exported(city, { format: 'facility_month', month: '2026-11' }, 'cp932', 'en')
    assert.notDeepEqual([...csv.bytes.subarray(0, 3)], [0xef, 0xbb, 0xbf])
    // "利用" is not UTF-8 here: it is the two-byte Shift_JIS sequence
    assert.isTrue(csv.bytes.includes(iconv.encode('港', 'cp932')))
    assert.equal(csv.header[0], 'Facility')
    assert.equal(csv.body[0][0], 'Aozora Shibaura Station')
    assert.equal(csv.body[0][7], 'Housework')
    assert.include(csv.text, '港 花子')
    assert.include(csv.text, '\r\n')
  })

  test('totals per facility, program and service, summed from the same rows', async ({
    assert,
  }) => {
    const { city } = await novemberFixture()
    const csv = await exported(city, { format: 'facility_month_totals', month: '2026-11' })
    assert.deepEqual(csv.header, [
      '施設',
      '事業者',
      '事業',
      'サービス',
      '件数',
      '利用時間（時間）',
      '自己負担額（円）',
    ])
    assert.sameDeepMembers(csv.body, [
      [
        'あおぞら 芝浦ステーション',
        'あおぞら家事支援サービス',
        'ひとり親家庭ホームヘルプサービス',
        '家事援助',
        '1',
        '2',
        '500',
      ],
      [
        'あおぞら 芝浦ステーション',
        'あおぞら家事支援サービス',
        '産前産後家事・育児支援サービス',
        '家事支援（ホームヘルパー）',
        '1',
        '2',
        '',
      ],
    ])
  })

  test('a facility filter keeps only that facility', async ({ assert }) => {
    const { city } = await novemberFixture()
    const { facility } = await aozoraStation()
    const kept = await exported(city, {
      format: 'facility_month',
      month: '2026-11',
      facilityId: facility.id,
    })
    assert.equal(kept.rows, 2)
    const none = await exported(city, {
      format: 'facility_month',
      month: '2026-11',
      facilityId: null,
    })
    assert.equal(none.rows, 0)
    assert.equal(none.header.length, 13)
  })

  test('resident history: every grant and every visit of one resident, all programs', async ({
    assert,
  }) => {
    const { city, mother } = await novemberFixture()
    const csv = await exported(city, { format: 'resident_history', residentId: mother.id })
    assert.equal(csv.header[0], '種別')
    assert.equal(csv.rows, 4)
    const kinds = csv.body.map((row) => [row[0], row[5], row[10]])
    assert.deepEqual(kinds, [
      ['交付', '2026-01-01', '有効'],
      ['利用', '2026-10-30', '承認済み'],
      ['利用', '2026-11-04', '承認済み'],
      ['利用', '2026-11-20', '承認待ち'],
    ])
    const grant = csv.body[0]
    assert.equal(grant[4], '家事支援（ホームヘルパー）・家事・育児支援（産後ドゥーラ）')
    assert.equal(grant[8], '48')
    assert.equal(grant[9], '44')
    assert.equal(grant[13], '2024-04')
    for (const row of csv.body) assert.equal(row[1], mother.residentNumber)
  })

  test("a plugin's declared format: its headers, its program only, co-payments", async ({
    assert,
  }) => {
    const { city, houseworkVisit, cancelledVisit } = await novemberFixture()
    const csv = await exported(city, {
      format: 'plugin',
      pluginId: 'single_parent_home_help',
      specKey: 'provider_usage',
      month: '2026-11',
    })
    assert.deepEqual(csv.header, [
      '利用日',
      '開始時刻',
      '利用者ID',
      '氏名',
      'サービス',
      '利用時間（枚）',
      '階層',
      '自己負担額（円）',
      '事業者',
      '制度版',
    ])
    assert.equal(csv.rows, 2)
    assert.deepEqual(csv.body[0], [
      '2026-11-02',
      '14:00',
      csv.body[0][2],
      `'=HYPERLINK("x") @父`,
      '家事援助',
      '2',
      'III',
      '500',
      'あおぞら家事支援サービス',
      '2025-04',
    ])
    // The cancelled visit is listed and owes nothing
    assert.deepEqual(
      [csv.body[1][0], csv.body[1][4], csv.body[1][7]],
      ['2026-11-10', '育児援助', '0']
    )
    assert.isAbove(cancelledVisit, houseworkVisit)

    const postpartum = await exported(city, {
      format: 'plugin',
      pluginId: 'postpartum_support',
      specKey: 'facility_usage',
      month: '2026-11',
    })
    assert.equal(postpartum.rows, 1)
    assert.equal(postpartum.body[0].at(-1), '承認済み')
    assert.equal(postpartum.body[0].at(-2), '2024-04')
  })

  test('file names in Japanese with an ASCII fallback', async ({ assert }) => {
    const city = await minato()
    const ja = new UsageExports(city.id, i18nManager.locale('ja'))
    assert.deepEqual(
      await ja.fileNames({ format: 'facility_month', month: '2026-11' }, city.code),
      {
        name: `施設別利用実績_${city.code}_2026-11.csv`,
        asciiName: `facility_usage_${city.code}_2026-11.csv`,
      }
    )
    const en = new UsageExports(city.id, i18nManager.locale('en'))
    const names = await en.fileNames(
      { format: 'resident_history', residentId: 1 },
      city.code,
      'MN-000101'
    )
    assert.equal(names.name, `resident_history_${city.code}_MN-000101.csv`)
  })

  test("another municipality's export holds only its own visits", async ({ assert }) => {
    const { shinjuku } = await novemberFixture()
    const csv = await exported(shinjuku, { format: 'facility_month', month: '2026-11' })
    assert.equal(csv.rows, 1)
    assert.include(csv.body[0][5], '新宿')
    assert.notInclude(csv.text, '港 花子')
  })

  test('an export of many pages holds each visit once, by facility, day and id', async ({
    assert,
  }) => {
    const city = await minato()
    const { provider, facility } = await aozoraStation()
    const station = { providerId: provider.id, facilityId: facility.id }
    const nowhere = { providerId: provider.id, facilityId: null }
    const resident = await usageResident(city, { familyName: '港', givenName: '一郎' })
    await grantLot(city, resident, HOME_HELP, 'III')
    await grantLot(city, resident, { ...HOME_HELP, version: '2026-04' }, 'II')
    // Created out of day order, several on a day, at the station and nowhere
    const visits: { id: number; date: string; facilityId: number | null }[] = []
    const plan: [string, typeof station | typeof nowhere, number][] = [
      ['2026-11-03', station, 60],
      ['2026-11-01', station, 60],
      ['2026-11-03', nowhere, 60],
      ['2026-11-02', station, 60],
      ['2026-11-03', station, 60],
      ['2026-11-01', nowhere, 60],
      ['2026-11-03', station, 60],
      ['2026-11-02', station, 60],
      // Spends the first lot's last 40 hours and 5 of the second's: two lots, two entries
      ['2026-11-02', station, 45 * 60],
      ['2026-11-01', station, 60],
    ]
    for (const [date, at, minutes] of plan) {
      const id = await ledgerVisit(city, resident, HOME_HELP, {
        service: 'housework',
        date,
        minutes,
        ...at,
      })
      visits.push({ id, date, facilityId: at.facilityId })
    }
    const expected = visits
      .toSorted(
        (a, b) =>
          Number(a.facilityId === null) - Number(b.facilityId === null) ||
          a.date.localeCompare(b.date) ||
          a.id - b.id
      )
      .map((visit) => String(visit.id))

    const request: ExportRequest = { format: 'facility_month', month: '2026-11' }
    const whole = await exported(city, request)
    assert.deepEqual(
      whole.body.map((row) => row.at(-1)),
      expected
    )
    const spanning = whole.body.find((row) => row.at(-1) === String(visits[8].id))!
    assert.equal(spanning[9], '2025-04 / 2026-04')
    // Pages of one, two and three rows (a visit's two lots across pages too): the same
    // bytes, in both encodings
    const wholeCp932 = await exported(city, request, 'cp932')
    for (const pageSize of [1, 2, 3]) {
      const paged = await exported(city, request, 'utf8_bom', 'ja', { pageSize })
      assert.equal(paged.rows, visits.length)
      assert.isTrue(paged.bytes.equals(whole.bytes), `pages of ${pageSize} differ`)
      const pagedCp932 = await exported(city, request, 'cp932', 'ja', { pageSize })
      assert.isTrue(pagedCp932.bytes.equals(wholeCp932.bytes), `CP932 pages of ${pageSize} differ`)
    }
    const history = await exported(city, { format: 'resident_history', residentId: resident.id })
    const paged = await exported(
      city,
      { format: 'resident_history', residentId: resident.id },
      'utf8_bom',
      'ja',
      { pageSize: 2 }
    )
    assert.isTrue(paged.bytes.equals(history.bytes), 'the history differs in pages of 2')
  })
})
