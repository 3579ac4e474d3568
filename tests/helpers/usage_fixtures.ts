import LedgerEngine from '#ledger/ledger_engine'
import Facility from '#tenancy/facility'
import Provider from '#tenancy/provider'
import ProviderContract from '#providers/provider_contract'
import type Resident from '#residents/resident'
import { newResident } from '#tests/helpers/ledger_residents'
import type Municipality from '#tenancy/municipality'

let sequence = 0

/** The demo provider Aozora and its station */
export async function aozoraStation() {
  const provider = await Provider.findByOrFail('nameJa', 'あおぞら家事支援サービス')
  const facility = await Facility.query()
    .where('provider_id', provider.id)
    .orderBy('id')
    .firstOrFail()
  return { provider, facility }
}

/**
 * A provider other than Aozora with one station, contracted in the
 * municipality for the postpartum services given (without `contract`, for
 * nothing at all).
 */
export async function providerWithStation(
  names: { ja: string; en: string; stationJa: string; stationEn: string },
  contract?: { municipality: Municipality; services: string[] }
) {
  const provider = await Provider.create({ nameJa: names.ja, nameEn: names.en })
  const facility = await Facility.create({
    providerId: provider.id,
    nameJa: names.stationJa,
    nameEn: names.stationEn,
  })
  if (contract) {
    await ProviderContract.create({
      municipalityId: contract.municipality.id,
      providerId: provider.id,
      pluginId: 'postpartum_support',
      programCode: 'postpartum',
      services: contract.services,
    })
  }
  return { provider, facility }
}

/** A resident of the usage fixtures with a 2026 lot of the program (at a co-payment tier) */
export async function residentWithLot(
  municipality: Municipality,
  names: { familyName?: string; givenName?: string },
  program: Program,
  tier: string | null = null
) {
  const resident = await usageResident(municipality, names)
  await grantLot(municipality, resident, program, tier)
  return resident
}

export async function usageResident(
  municipality: Municipality,
  names: { familyName?: string; givenName?: string } = {}
) {
  return newResident(municipality, {
    prefix: 'UX',
    familyName: names.familyName ?? '利用',
    givenName: names.givenName,
    givenNameStem: '花子',
    familyNameKana: 'リヨウ',
    givenNameKana: 'ハナコ',
  })
}

export type Program =
  | { pluginId: 'postpartum_support'; programCode: 'postpartum'; version: string }
  | { pluginId: 'single_parent_home_help'; programCode: 'home_help'; version: string }

export const POSTPARTUM: Program = {
  pluginId: 'postpartum_support',
  programCode: 'postpartum',
  version: '2024-04',
}
export const HOME_HELP: Program = {
  pluginId: 'single_parent_home_help',
  programCode: 'home_help',
  version: '2025-04',
}

const SERVICES = {
  postpartum_support: ['home_helper', 'doula'],
  single_parent_home_help: ['housework', 'childcare'],
}

/** A lot of 48 hours for the resident under the program, valid all of 2026 */
export async function grantLot(
  municipality: Municipality,
  resident: Resident,
  program: Program,
  tier: string | null = null
) {
  return LedgerEngine.grant({
    municipalityId: municipality.id,
    residentId: resident.id,
    pluginId: program.pluginId,
    programCode: program.programCode,
    definitionVersion: program.version,
    services: SERVICES[program.pluginId],
    copaymentTier: tier,
    validFrom: '2026-01-01',
    validTo: '2026-12-31',
    minutes: 48 * 60,
  })
}

/**
 * A visit through the ledger's two phases: reserved, then (unless said)
 * approved, or approved then cancelled.
 */
export async function ledgerVisit(
  municipality: Municipality,
  resident: Resident,
  program: Program,
  visit: {
    service: string
    date: string
    start?: string
    minutes: number
    status?: 'reserved' | 'posted' | 'cancelled'
    providerId?: number | null
    facilityId?: number | null
  }
) {
  sequence++
  const { redemptionId } = await LedgerEngine.reserve({
    municipalityId: municipality.id,
    residentId: resident.id,
    pluginId: program.pluginId,
    programCode: program.programCode,
    service: visit.service,
    visitDate: visit.date,
    visitStart: visit.start ?? '10:00',
    minutes: visit.minutes,
    idempotencyKey: `usage-${process.pid}-${sequence}`,
    providerId: visit.providerId ?? null,
    facilityId: visit.facilityId ?? null,
    deductionPriority: SERVICES[program.pluginId],
  })
  const status = visit.status ?? 'posted'
  if (status !== 'reserved') await LedgerEngine.post(redemptionId, null)
  if (status === 'cancelled') await LedgerEngine.cancel(redemptionId, null, 'test')
  return redemptionId
}
