import { DateTime } from 'luxon'
import db from '@adonisjs/lucid/services/db'
import Child from '#residents/child'
import Resident from '#residents/resident'
import User from '#identity/user'
import CouponIssuance, { todayInJapan } from '#ledger/coupon_issuance'
import LedgerEngine from '#ledger/ledger_engine'
import VisitTokens, { type VisitDetails } from '#visits/visit_tokens'
import { minato, staffOf } from '#tests/helpers/programs'
import { aozoraStation } from '#tests/helpers/usage_fixtures'

/*
| What the resident visit tests share: hanako (MN-000101) holding
| postpartum hours, and visit QR tokens the demo provider Aozora starts.
*/

export const POSTPARTUM = { pluginId: 'postpartum_support', programCode: 'postpartum' }

export async function hanako() {
  const city = await minato()
  const resident = await Resident.findByOrFail({
    municipalityId: city.id,
    residentNumber: 'MN-000101',
  })
  return { city, resident }
}

/**
 * Hanako with a child born a month ago and the first window's lots
 * (128 h, of which doula up to 30 h), issued as staff would.
 */
export async function hanakoWithHours() {
  const { city, resident } = await hanako()
  const birthDate = DateTime.fromISO(todayInJapan()).minus({ months: 1 }).toISODate()!
  const child = await Child.create({
    municipalityId: city.id,
    residentId: resident.id,
    givenName: 'ひなた',
    birthDate,
    multipleBirth: false,
  })
  await CouponIssuance.issue(
    {
      ...POSTPARTUM,
      municipalityId: city.id,
      residentId: resident.id,
      childId: child.id,
      windowKey: 'until_first_birthday',
    },
    await staffOf(city)
  )
  return { city, resident }
}

/** A small lot of `hours` for a resident, valid around today (no child needed) */
export async function smallLot(
  residentId: number,
  hours: number,
  program: { pluginId: string; programCode: string; version: string; services: string[] } = {
    ...POSTPARTUM,
    version: '2024-04',
    services: ['home_helper', 'doula'],
  }
) {
  const city = await minato()
  const today = DateTime.fromISO(todayInJapan())
  return LedgerEngine.grant({
    municipalityId: city.id,
    residentId,
    pluginId: program.pluginId,
    programCode: program.programCode,
    definitionVersion: program.version,
    services: program.services,
    validFrom: today.minus({ days: 30 }).toISODate()!,
    validTo: today.plus({ days: 30 }).toISODate()!,
    minutes: hours * 60,
  })
}

/** What a visit QR of Aozora's station says: home helper, today 10:00, 1 hour unless said */
export async function aozoraVisitDetails(
  overrides: Partial<VisitDetails> = {}
): Promise<VisitDetails> {
  const city = await minato()
  const { provider, facility } = await aozoraStation()
  return {
    ...POSTPARTUM,
    municipalityId: city.id,
    providerId: provider.id,
    facilityId: facility.id,
    service: 'home_helper',
    visitDate: todayInJapan(),
    visitStart: '10:00',
    minutes: 60,
    ...overrides,
  }
}

/** A visit QR the Aozora helper starts: home helper, today 10:00, 2 hours unless said */
export async function aozoraVisit(overrides: Partial<VisitDetails> = {}) {
  const { provider, facility } = await aozoraStation()
  const helper = await User.findByOrFail('email', 'helper@aozora.example')
  const visit = await aozoraVisitDetails({ minutes: 120, ...overrides })
  const issued = await VisitTokens.issue(visit, helper.id)
  return { ...issued, visit, provider, facility }
}

/**
 * A visit of hanako waiting for Aozora's approval, made by scanning a QR
 * Aozora's helper started (aozoraVisit)
 */
export async function waitingAozoraVisit(minutes = 2 * 60, visitDate = daysFromToday(1)) {
  const { city, resident } = await hanako()
  const { token, provider, facility } = await aozoraVisit({ minutes, visitDate })
  const by = await staffOf(city)
  const { redemptionId, visitTokenId } = await VisitTokens.redeem(
    city.id,
    resident.id,
    { token },
    by
  )
  return { city, resident, by, redemptionId, visitTokenId, provider, facility }
}

/** Makes a visit QR lapse, as ten minutes passing would */
export async function expireVisitToken(shortCode: string) {
  await db
    .from('visit_tokens')
    .where('short_code', shortCode)
    .update({ expires_at: new Date(Date.now() - 1000) })
}

/** A day relative to today in Japan (YYYY-MM-DD) */
export function daysFromToday(days: number) {
  return DateTime.fromISO(todayInJapan()).plus({ days }).toISODate()!
}

/**
 * A visit QR under the sample program, whose plugin asks no survey
 * questions, with 2 hours of its lots for the resident to pay it
 */
export async function sampleProgramVisit(residentId: number) {
  const sample = { pluginId: 'sample_program', programCode: 'sample' }
  await smallLot(residentId, 2, { ...sample, version: 'v1', services: ['visit'] })
  return aozoraVisit({ ...sample, service: 'visit', minutes: 60 })
}

/** A redemption's status in the ledger (reserved, posted, released, cancelled) */
export async function statusOf(redemptionId: number) {
  const row = await db.from('ledger_redemptions').where('id', redemptionId).firstOrFail()
  return String(row.status)
}
