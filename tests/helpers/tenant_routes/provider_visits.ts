import db from '@adonisjs/lucid/services/db'
import type { TenantRouteRules } from '#tests/helpers/tenant_routes/tenant_route_rules'
import type Municipality from '#tenancy/municipality'
import Facility from '#tenancy/facility'
import Provider from '#tenancy/provider'
import VisitTokens from '#visits/visit_tokens'
import { todayInJapan } from '#ledger/coupon_issuance'

const providerStaff: TenantRouteRules['roles'][string] = ['provider_admin', 'provider_staff']

/** A visit QR the demo provider Aozora started in the victim municipality */
async function aozoraVisitToken(victim: Municipality) {
  const aozora = await Provider.findByOrFail('nameJa', 'あおぞら家事支援サービス')
  const existing = await db
    .from('visit_tokens')
    .where({ municipality_id: victim.id, provider_id: aozora.id })
    .orderBy('id')
    .first()
  if (existing) return Number(existing.id)
  const station = await Facility.query().where('provider_id', aozora.id).orderBy('id').firstOrFail()
  const { id } = await VisitTokens.issue(
    {
      pluginId: 'postpartum_support',
      programCode: 'postpartum',
      municipalityId: victim.id,
      providerId: aozora.id,
      facilityId: station.id,
      service: 'home_helper',
      visitDate: todayInJapan(),
      visitStart: '10:00',
      minutes: 60,
    },
    null
  )
  return id
}

/** Provider console: visits */
export const rules: TenantRouteRules = {
  roles: {
    'tenant.provider.index': providerStaff,
    'tenant.provider.visits.show': providerStaff,
    'tenant.provider.residents.lookup': providerStaff,
  },
  victimIds: {
    providerVisitToken: aozoraVisitToken,
  },
}
