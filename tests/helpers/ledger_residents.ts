import db from '@adonisjs/lucid/services/db'
import Resident from '#residents/resident'
import type Municipality from '#tenancy/municipality'

let sequence = 0

/**
 * A new resident of the municipality with a unique resident number
 * (`<prefix>-<pid>-<n>`, so parallel test processes never collide) and the
 * names given; a given name without one is numbered too. The one way the
 * test helpers create residents for their own ledgers.
 */
export async function newResident(
  municipality: Pick<Municipality, 'id'>,
  names: {
    prefix: string
    familyName: string
    givenName?: string
    /** The given name numbered when none is given: 花子 → 花子12 */
    givenNameStem: string
    familyNameKana: string
    givenNameKana: string
  }
) {
  sequence++
  return Resident.create({
    municipalityId: municipality.id,
    residentNumber: `${names.prefix}-${process.pid}-${sequence}`,
    familyName: names.familyName,
    givenName: names.givenName ?? `${names.givenNameStem}${sequence}`,
    familyNameKana: names.familyNameKana,
    givenNameKana: names.givenNameKana,
  })
}

/** Removes a resident a test created outside a transaction, with their visits and hours */
export async function forgetResident(residentId: number) {
  await db.from('visit_tokens').where('consumed_by_resident_id', residentId).delete()
  await db.from('ledger_entries').where('resident_id', residentId).delete()
  await db.from('ledger_redemptions').where('resident_id', residentId).delete()
  await db.from('ledger_lots').where('resident_id', residentId).delete()
  await db.from('children').where('resident_id', residentId).delete()
  await db.from('residents').where('id', residentId).delete()
}
