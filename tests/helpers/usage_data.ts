import db from '@adonisjs/lucid/services/db'
import type Municipality from '#tenancy/municipality'
import type Facility from '#tenancy/facility'
import type Resident from '#residents/resident'
import { POSTPARTUM, type Program } from '#tests/helpers/usage_fixtures'
import { newResident } from '#tests/helpers/ledger_residents'

export { POSTPARTUM, HOME_HELP } from '#tests/helpers/usage_fixtures'

/**
 * Ledger rows written directly, dated as a test needs (creation instant,
 * visit date, status), for statistics over a known dataset.
 */
let sequence = 0

export async function residents(municipality: Municipality, count: number) {
  const created: Resident[] = []
  for (let index = 0; index < count; index++) {
    created.push(
      await newResident(municipality, {
        prefix: 'ST',
        familyName: '統計',
        givenNameStem: '太郎',
        familyNameKana: 'トウケイ',
        givenNameKana: 'タロウ',
      })
    )
  }
  return created
}

export async function lot(
  resident: Resident,
  createdAt: string,
  minutes: number,
  program: Program = POSTPARTUM,
  status = 'active'
) {
  await db.table('ledger_lots').insert({
    municipality_id: resident.municipalityId,
    resident_id: resident.id,
    plugin_id: program.pluginId,
    program_code: program.programCode,
    definition_version: 'v',
    services: '[]',
    valid_from: '2026-01-01',
    valid_to: '2027-03-31',
    granted_minutes: minutes,
    available_minutes: minutes,
    status,
    created_at: new Date(createdAt),
  })
}

export async function visit(
  resident: Resident,
  visitDate: string,
  minutes: number,
  facility: Facility | null,
  status = 'posted',
  program: Program = POSTPARTUM
) {
  sequence++
  await db.table('ledger_redemptions').insert({
    municipality_id: resident.municipalityId,
    resident_id: resident.id,
    plugin_id: program.pluginId,
    program_code: program.programCode,
    service: 'home_helper',
    visit_date: visitDate,
    minutes,
    status,
    idempotency_key: `stats-${sequence}`,
    request_hash: 'x',
    provider_id: facility?.providerId ?? null,
    facility_id: facility?.id ?? null,
    created_at: new Date(),
  })
}
