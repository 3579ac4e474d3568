import { DateTime } from 'luxon'
import db from '@adonisjs/lucid/services/db'
import type { TenantRouteRules } from '#tests/helpers/tenant_routes/tenant_route_rules'
import type Municipality from '#tenancy/municipality'
import Resident from '#residents/resident'
import LedgerEngine from '#ledger/ledger_engine'
import LedgerRefusal from '#ledger/ledger_refusal'
import CouponRedemption from '#ledger/coupon_redemption'
import { todayInJapan } from '#ledger/coupon_issuance'
import { nextKey, staffOf } from '#tests/helpers/programs'

const resident: TenantRouteRules['roles'][string] = ['resident']
const POSTPARTUM = { pluginId: 'postpartum_support', programCode: 'postpartum' }

/**
 * An approved visit of hanako (MN-000101) with no survey answer yet, so
 * both her visit page and its survey open: an existing one, else a lot
 * and a visit on a past day nobody else's fixture uses.
 */
async function hanakoVisit(victim: Municipality) {
  const hanako = await Resident.findByOrFail({
    municipalityId: victim.id,
    residentNumber: 'MN-000101',
  })
  const existing = await db
    .from('ledger_redemptions')
    .where({ municipality_id: victim.id, resident_id: hanako.id, status: 'posted' })
    .where('plugin_id', POSTPARTUM.pluginId)
    .whereNotExists((query) =>
      query
        .from('survey_responses')
        .whereColumn('survey_responses.redemption_id', 'ledger_redemptions.id')
    )
    .orderBy('id')
    .first()
  if (existing) return Number(existing.id)

  const today = DateTime.fromISO(todayInJapan())
  await LedgerEngine.grant({
    ...POSTPARTUM,
    municipalityId: victim.id,
    residentId: hanako.id,
    definitionVersion: '2024-04',
    services: ['home_helper', 'doula'],
    validFrom: today.minus({ days: 60 }).toISODate()!,
    validTo: today.plus({ days: 300 }).toISODate()!,
    minutes: 10 * 60,
  })
  const by = await staffOf(victim)
  // One visit a day: step back past days other fixtures already took.
  for (let daysAgo = 20; daysAgo < 50; daysAgo++) {
    try {
      const { redemptionId } = await CouponRedemption.reserve(
        {
          ...POSTPARTUM,
          municipalityId: victim.id,
          residentId: hanako.id,
          service: 'home_helper',
          visitDate: today.minus({ days: daysAgo }).toISODate()!,
          visitStart: '10:00',
          minutes: 60,
          idempotencyKey: nextKey(),
        },
        by
      )
      await CouponRedemption.approve(victim.id, redemptionId, by)
      return redemptionId
    } catch (error) {
      if (!(error instanceof LedgerRefusal) || error.code !== 'daily_visits_reached') throw error
    }
  }
  throw new Error('no free day for hanako’s visit')
}

/** Resident app: visits */
export const rules: TenantRouteRules = {
  roles: {
    'tenant.my.scan': resident,
    // Without a token or code the confirm address shows the scan page.
    'tenant.my.visit.show': resident,
    'tenant.my.visits.show': resident,
    'tenant.my.visits.survey': resident,
  },
  victimIds: {
    visit: hanakoVisit,
  },
}
