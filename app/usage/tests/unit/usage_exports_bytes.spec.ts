import { test } from '@japa/runner'
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import db from '@adonisjs/lucid/services/db'
import testUtils from '@adonisjs/core/services/test_utils'
import i18nManager from '@adonisjs/i18n/services/main'
import UsageExports, { type ExportRequest, type ExportScope } from '#usage/usage_exports'
import type { CsvEncoding } from '#csv/csv_export'
import type Municipality from '#tenancy/municipality'
import type Resident from '#residents/resident'
import { minato } from '#tests/helpers/programs'
import { createSecondTenant } from '#tests/helpers/tenants'
import {
  HOME_HELP,
  POSTPARTUM,
  type Program,
  aozoraStation,
  grantLot,
  ledgerVisit,
  providerWithStation,
  usageResident,
} from '#tests/helpers/usage_fixtures'

/*
| The usage exports byte for byte. The expected files under fixtures/ were
| written by the export as it was before the month export became one
| streaming query (a keyset over facility, day and id instead of one
| query per facility and day): the new reading must give the same bytes,
| row order included, in both encodings and every format. Ids and
| resident numbers differ from run to run, so the files hold tokens
| ({R3}: the third visit created, {U2}: the second resident, {L1}: the first lot) that
| the test replaces with this run's values; tokens and values are ASCII,
| the same bytes in UTF-8 and CP932.
|
| UPDATE_USAGE_EXPORT_FIXTURES=1 rewrites the files from the current code.
*/

const FIXTURES = join(import.meta.dirname, 'fixtures')
const UPDATE = process.env.UPDATE_USAGE_EXPORT_FIXTURES === '1'

/** A second home-help lot of another 制度版 and tier, so a visit can span two lots */
const HOME_HELP_2026: Program = { ...HOME_HELP, version: '2026-04' }

type Tokens = Map<string, string>

/**
 * Two municipalities; in Minato three residents, Aozora's station, a second
 * provider's station and visits without a facility, over several days of
 * November 2026 (created out of date order, so ids do not follow days),
 * with visits that must stay out: reserved, cancelled, replaced, October,
 * December, Shinjuku's.
 */
async function dataSet() {
  const city = await minato()
  const tokens: Tokens = new Map()
  const { provider, facility } = await aozoraStation()
  const other = await providerWithStation({
    ja: 'みなと育児サポート',
    en: 'Minato Childcare',
    stationJa: 'みなと 白金ステーション',
    stationEn: 'Minato Shirokane Station',
  })
  const aozora: { providerId: number; facilityId: number | null } = {
    providerId: provider.id,
    facilityId: facility.id,
  }
  const shirokane = { providerId: other.provider.id, facilityId: other.facility.id }
  const nowhere = { providerId: provider.id, facilityId: null }

  const residents: Resident[] = []
  const resident = async (names: { familyName: string; givenName: string }) => {
    const created = await usageResident(city, names)
    residents.push(created)
    tokens.set(`{U${residents.length}}`, created.residentNumber)
    return created
  }
  const mother = await resident({ familyName: '港', givenName: '花子' })
  await grantLot(city, mother, POSTPARTUM)
  const parent = await resident({ familyName: '=HYPERLINK("x")', givenName: '@父' })
  await grantLot(city, parent, HOME_HELP, 'III')
  await grantLot(city, parent, HOME_HELP_2026, 'II')
  const both = await resident({ familyName: '芝浦, "引用"', givenName: '髙橋\n次郎' })
  await grantLot(city, both, POSTPARTUM)
  await grantLot(city, both, HOME_HELP, 'I')

  let visits = 0
  const visit = async (...args: Parameters<typeof ledgerVisit>) => {
    const id = await ledgerVisit(...args)
    tokens.set(`{R${++visits}}`, `R:${id}`)
    return id
  }
  const postpartum = (service: string, date: string, minutes: number, at = aozora) => ({
    service,
    date,
    minutes,
    start: `${String(8 + (visits % 10)).padStart(2, '0')}:${visits % 2 ? '30' : '00'}`,
    ...at,
  })
  await visit(city, mother, POSTPARTUM, postpartum('home_helper', '2026-11-15', 120))
  await visit(city, parent, HOME_HELP, postpartum('housework', '2026-11-02', 120))
  await visit(city, both, POSTPARTUM, postpartum('doula', '2026-11-02', 60, shirokane))
  await visit(city, mother, POSTPARTUM, postpartum('home_helper', '2026-11-01', 60))
  await visit(city, both, HOME_HELP, postpartum('childcare', '2026-11-30', 90, nowhere))
  await visit(city, parent, HOME_HELP, postpartum('childcare', '2026-11-02', 60))
  await visit(city, mother, POSTPARTUM, postpartum('doula', '2026-11-15', 180, shirokane))
  await visit(city, both, POSTPARTUM, postpartum('home_helper', '2026-11-01', 60, nowhere))
  await visit(city, parent, HOME_HELP, postpartum('housework', '2026-11-30', 60, shirokane))
  await visit(city, both, HOME_HELP, postpartum('housework', '2026-11-15', 120))
  await visit(city, mother, POSTPARTUM, postpartum('home_helper', '2026-11-02', 90))
  await visit(city, parent, HOME_HELP, postpartum('housework', '2026-11-01', 120, nowhere))
  // Uses up the parent's first lot (48 hours): the next visit spans both lots
  await visit(city, parent, HOME_HELP, postpartum('housework', '2026-11-20', 40 * 60))
  await visit(city, parent, HOME_HELP, postpartum('childcare', '2026-11-20', 6 * 60))
  await visit(city, parent, HOME_HELP, postpartum('housework', '2026-11-20', 180))
  await visit(city, mother, POSTPARTUM, postpartum('home_helper', '2026-11-30', 60))
  await visit(city, both, POSTPARTUM, postpartum('doula', '2026-11-20', 120, shirokane))
  await visit(city, mother, POSTPARTUM, postpartum('home_helper', '2026-11-02', 30, nowhere))
  // Out of the month's files: waiting, cancelled (in the plugin formats), replaced,
  // October and December
  await visit(city, mother, POSTPARTUM, {
    ...postpartum('home_helper', '2026-11-02', 60),
    status: 'reserved',
  })
  await visit(city, parent, HOME_HELP, {
    ...postpartum('childcare', '2026-11-15', 60),
    status: 'cancelled',
  })
  await visit(city, both, HOME_HELP, {
    ...postpartum('childcare', '2026-11-01', 60, nowhere),
    status: 'cancelled',
  })
  const replaced = await visit(
    city,
    mother,
    POSTPARTUM,
    postpartum('home_helper', '2026-11-15', 60)
  )
  const replacement = await visit(
    city,
    mother,
    POSTPARTUM,
    postpartum('home_helper', '2026-11-15', 30)
  )
  await db
    .from('ledger_redemptions')
    .where('id', replaced)
    .update({ replaced_by_redemption_id: replacement })
  await visit(city, mother, POSTPARTUM, postpartum('home_helper', '2026-10-31', 60))
  await visit(city, both, POSTPARTUM, postpartum('doula', '2026-12-01', 60, shirokane))

  const lots = await db.from('ledger_lots').where('municipality_id', city.id).orderBy('id')
  lots.forEach((lot, index) => tokens.set(`{L${index + 1}}`, `L:${lot.id}`))

  const { municipality: shinjuku } = await createSecondTenant()
  const outsider = await usageResident(shinjuku, { familyName: '新宿', givenName: '太郎' })
  await grantLot(shinjuku, outsider, POSTPARTUM)
  await ledgerVisit(shinjuku, outsider, POSTPARTUM, postpartum('home_helper', '2026-11-02', 60))

  return { city, tokens, residents, aozora, shirokane }
}

/** The export's bytes, written through the same file path as the export job */
async function exportBytes(
  municipality: Municipality,
  request: ExportRequest,
  encoding: CsvEncoding,
  locale: string,
  scope: ExportScope = {}
) {
  const path = join(tmpdir(), `usage-export-bytes-${process.pid}.csv`)
  const exports = new UsageExports(municipality.id, i18nManager.locale(locale), scope)
  await exports.write(request, encoding, path)
  const bytes = await readFile(path)
  await rm(path, { force: true })
  return bytes
}

/**
 * Values → tokens: resident numbers wherever they stand (UX-<pid>-<n>, never
 * another cell), ids only as the last cell of a record (利用番号, or the
 * history's R<id> and G<lot id>) of the formats that end with one.
 */
function tokenize(bytes: Buffer, tokens: Tokens, idsLast: boolean) {
  const byValue = new Map([...tokens].map(([token, value]) => [value, token]))
  let text = bytes.toString('latin1')
  for (const [token, value] of tokens) {
    if (token.startsWith('{U')) text = text.replaceAll(value, token)
  }
  if (idsLast) {
    text = text.replace(/,(R|G)?(\d+)(?=\r\n)/g, (cell, prefix: string | undefined, id: string) => {
      const token = byValue.get(`${prefix === 'G' ? 'L' : 'R'}:${id}`)
      return token ? `,${prefix ?? ''}${token}` : cell
    })
  }
  return Buffer.from(text, 'latin1')
}

/** Tokens → values */
function detokenize(bytes: Buffer, tokens: Tokens) {
  const text = bytes
    .toString('latin1')
    .replace(/\{[A-Z]\d+\}/g, (token) => (tokens.get(token) ?? token).replace(/^[RL]:/, ''))
  return Buffer.from(text, 'latin1')
}

test.group('Usage exports, byte for byte', (group) => {
  group.each.setup(() => testUtils.db().withGlobalTransaction())

  test('every format and encoding gives the bytes of the fixture files', async ({ assert }) => {
    const { city, tokens, residents, aozora, shirokane } = await dataSet()
    const month = '2026-11'
    const cases: [string, ExportRequest, CsvEncoding, string, ExportScope?][] = [
      ['facility_month.utf8.csv', { format: 'facility_month', month }, 'utf8_bom', 'ja'],
      ['facility_month.en.cp932.csv', { format: 'facility_month', month }, 'cp932', 'en'],
      [
        'facility_month_totals.utf8.csv',
        { format: 'facility_month_totals', month },
        'utf8_bom',
        'ja',
      ],
      [
        'facility_month_totals.cp932.csv',
        { format: 'facility_month_totals', month },
        'cp932',
        'ja',
      ],
      [
        'facility_month.shirokane.cp932.csv',
        { format: 'facility_month', month, facilityId: shirokane.facilityId },
        'cp932',
        'ja',
      ],
      [
        'facility_month.no_facility.utf8.csv',
        { format: 'facility_month', month, facilityId: null },
        'utf8_bom',
        'ja',
      ],
      [
        'plugin.home_help.cp932.csv',
        { format: 'plugin', pluginId: 'single_parent_home_help', specKey: 'provider_usage', month },
        'cp932',
        'ja',
      ],
      [
        'plugin.postpartum.utf8.csv',
        { format: 'plugin', pluginId: 'postpartum_support', specKey: 'facility_usage', month },
        'utf8_bom',
        'en',
      ],
      [
        'resident_history.cp932.csv',
        { format: 'resident_history', residentId: residents[1].id },
        'cp932',
        'ja',
      ],
      // The provider console: one provider's visits at one of its facilities
      [
        'provider.facility_month.cp932.csv',
        { format: 'facility_month', month, facilityId: aozora.facilityId },
        'cp932',
        'ja',
        { providerId: aozora.providerId },
      ],
      [
        'provider.plugin.postpartum.utf8.csv',
        {
          format: 'plugin',
          pluginId: 'postpartum_support',
          specKey: 'facility_usage',
          month,
          facilityId: aozora.facilityId,
        },
        'utf8_bom',
        'ja',
        { providerId: aozora.providerId },
      ],
    ]
    if (UPDATE) await mkdir(FIXTURES, { recursive: true })
    for (const [file, request, encoding, locale, scope] of cases) {
      const bytes = await exportBytes(city, request, encoding, locale, scope)
      if (UPDATE) {
        const idsLast = file.startsWith('facility_month.') || file.startsWith('resident_history')
        await writeFile(
          join(FIXTURES, file),
          tokenize(bytes, tokens, idsLast || file.startsWith('provider.facility_month'))
        )
        continue
      }
      const expected = detokenize(await readFile(join(FIXTURES, file)), tokens)
      assert.isTrue(bytes.equals(expected), `${file} differs from its fixture`)
    }
  })
})
