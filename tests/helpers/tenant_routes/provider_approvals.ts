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
import { aozoraStation } from '#tests/helpers/usage_fixtures'

const provider: TenantRouteRules['roles'][string] = ['provider_admin', 'provider_staff']
const POSTPARTUM = { pluginId: 'postpartum_support', programCode: 'postpartum' }

/**
 * A visit waiting for Aozora's approval in Minato: an existing one, else
 * one of MN-000103 (no account, so no resident test sees it) on a future
 * day nobody else's fixture uses, paid from a lot made for it.
 */
export async function aozoraWaitingVisit(victim: Municipality) {
  const { provider: aozora, facility } = await aozoraStation()
  const existing = await db
    .from('ledger_redemptions')
    .where({ municipality_id: victim.id, provider_id: aozora.id, status: 'reserved' })
    .orderBy('id')
    .first()
  if (existing) return Number(existing.id)

  const resident = await Resident.findByOrFail({
    municipalityId: victim.id,
    residentNumber: 'MN-000103',
  })
  const today = DateTime.fromISO(todayInJapan())
  await LedgerEngine.grant({
    ...POSTPARTUM,
    municipalityId: victim.id,
    residentId: resident.id,
    definitionVersion: '2024-04',
    services: ['home_helper', 'doula'],
    validFrom: today.minus({ days: 10 }).toISODate()!,
    validTo: today.plus({ days: 200 }).toISODate()!,
    minutes: 10 * 60,
  })
  const by = await staffOf(victim)
  for (let daysAhead = 100; daysAhead < 150; daysAhead++) {
    try {
      const { redemptionId } = await CouponRedemption.reserve(
        {
          ...POSTPARTUM,
          municipalityId: victim.id,
          residentId: resident.id,
          service: 'home_helper',
          visitDate: today.plus({ days: daysAhead }).toISODate()!,
          visitStart: '10:00',
          minutes: 60,
          providerId: aozora.id,
          facilityId: facility.id,
          idempotencyKey: nextKey(),
        },
        by
      )
      return redemptionId
    } catch (error) {
      if (!(error instanceof LedgerRefusal) || error.code !== 'daily_visits_reached') throw error
    }
  }
  throw new Error('no free day for Aozora’s waiting visit')
}

/** Provider console: approvals */
export const rules: TenantRouteRules = {
  roles: {
    'tenant.provider.approvals.index': provider,
    'tenant.provider.approvals.show': provider,
  },
  victimIds: {
    providerVisit: aozoraWaitingVisit,
  },
}
