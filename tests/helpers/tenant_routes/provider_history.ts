import { writeFile } from 'node:fs/promises'
import { DateTime } from 'luxon'
import db from '@adonisjs/lucid/services/db'
import type { TenantRouteRules } from '#tests/helpers/tenant_routes/tenant_route_rules'
import CsvJobs from '#csv/csv_jobs'
import Membership from '#identity/membership'
import type Municipality from '#tenancy/municipality'
import Provider from '#tenancy/provider'
import ProviderContract from '#providers/provider_contract'
import Resident from '#residents/resident'
import User from '#identity/user'
import { DEMO_PASSWORD } from '#database/demo_data'
import {
  HOME_HELP,
  ledgerVisit,
  providerWithStation,
  residentWithLot,
} from '#tests/helpers/usage_fixtures'

const PROVIDER_CONSOLE = ['provider_admin', 'provider_staff'] as const

async function aozora() {
  return Provider.findByOrFail('nameJa', 'あおぞら家事支援サービス')
}

/**
 * A finished month export of Aozora in a municipality, with a small file,
 * requested by Aozora's administrator.
 */
export async function aozoraExportJob(municipality: Municipality) {
  const owner = await User.findByOrFail('email', 'owner@aozora.example')
  const provider = await aozora()
  const path = await CsvJobs.newFileName('csv')
  await writeFile(CsvJobs.pathOf(path), '\uFEFF施設,事業者,利用日\r\n')
  const job = await CsvJobs.create({
    municipalityId: municipality.id,
    kind: 'provider_export_facility_month',
    params: {
      request: { format: 'facility_month', month: '2026-11', facilityId: null },
      encoding: 'utf8_bom',
      locale: 'ja',
      providerId: provider.id,
    },
    requestedByUserId: owner.id,
  })
  job.merge({
    status: 'done',
    filePath: path,
    fileName: `施設別利用実績_${municipality.code}_2026-11.csv`,
    result: { rows: 0, asciiName: `facility_usage_${municipality.code}_2026-11.csv` },
    finishedAt: DateTime.now(),
  })
  await job.save()
  return job
}

/** A memo of Aozora in a municipality, on a resident */
export async function aozoraMemo(municipality: Municipality, body = '次回はエプロン持参') {
  const owner = await User.findByOrFail('email', 'owner@aozora.example')
  const provider = await aozora()
  const resident = await Resident.query()
    .where('municipality_id', municipality.id)
    .orderBy('id')
    .firstOrFail()
  const [inserted] = await db
    .table('provider_memos')
    .insert({
      municipality_id: municipality.id,
      provider_id: provider.id,
      resident_id: resident.id,
      redemption_id: null,
      body,
      created_by_user_id: owner.id,
      created_at: new Date(),
    })
    .returning('id')
  return Number(typeof inserted === 'object' ? inserted.id : inserted)
}

/**
 * A second provider in a municipality (みどりケア), with a station,
 * contracted for every service Aozora is, and one member of staff
 * (midori@example.jp, provider_staff).
 */
export async function otherProvider(municipality: Municipality) {
  const { provider, facility } = await providerWithStation({
    ja: 'みどりケア',
    en: 'Midori Care',
    stationJa: 'みどり 白金ステーション',
    stationEn: 'Midori Shirokane Station',
  })
  const model = await aozora()
  const contracts = await ProviderContract.query()
    .where('municipality_id', municipality.id)
    .where('provider_id', model.id)
  for (const contract of contracts) {
    await ProviderContract.create({
      municipalityId: municipality.id,
      providerId: provider.id,
      pluginId: contract.pluginId,
      programCode: contract.programCode,
      services: contract.services,
      updatedByUserId: null,
    })
  }
  const user = await User.create({
    email: 'midori@example.jp',
    password: DEMO_PASSWORD,
    fullName: '緑 スタッフ',
    emailVerifiedAt: DateTime.now(),
  })
  await Membership.create({
    userId: user.id,
    municipalityId: municipality.id,
    providerId: provider.id,
    role: 'provider_staff',
  })
  return { provider, facility, user }
}

/**
 * A visit of みどりケア (otherProvider) in November 2026: housework for
 * 白金 次郎, a single parent with a lot at the co-payment tier given.
 */
export async function otherProvidersVisit(municipality: Municipality, tier: string) {
  const other = await otherProvider(municipality)
  const stranger = await residentWithLot(
    municipality,
    { familyName: '白金', givenName: '次郎' },
    HOME_HELP,
    tier
  )
  const othersVisit = await ledgerVisit(municipality, stranger, HOME_HELP, {
    service: 'housework',
    date: '2026-11-06',
    minutes: 60,
    providerId: other.provider.id,
    facilityId: other.facility.id,
  })
  return { other, stranger, othersVisit }
}

/** Provider console: monthly history, CSV exports, memos */
export const rules: TenantRouteRules = {
  roles: {
    'tenant.provider.history.index': [...PROVIDER_CONSOLE],
    'tenant.provider.exports.show': [...PROVIDER_CONSOLE],
    'tenant.provider.exports.download': [...PROVIDER_CONSOLE],
    'tenant.provider.memos.index': [...PROVIDER_CONSOLE],
  },
  victimIds: {
    providerExport: async (victim) => {
      const job = await aozoraExportJob(victim)
      return job.id
    },
    memo: (victim) => aozoraMemo(victim),
  },
}
