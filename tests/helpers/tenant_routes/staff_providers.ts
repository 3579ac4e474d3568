import type { TenantRouteRules } from '#tests/helpers/tenant_routes/tenant_route_rules'
import Provider from '#tenancy/provider'
import Facility from '#tenancy/facility'

const STAFF_CONSOLE = ['municipal_admin', 'municipal_staff'] as const

async function aozora() {
  return Provider.findByOrFail('nameJa', 'あおぞら家事支援サービス')
}

/** Staff console: providers, coupon definitions, statistics */
export const rules: TenantRouteRules = {
  roles: {
    'tenant.providers.index': [...STAFF_CONSOLE],
    'tenant.providers.create': [...STAFF_CONSOLE],
    'tenant.providers.show': [...STAFF_CONSOLE],
    'tenant.definitions.index': [...STAFF_CONSOLE],
    'tenant.statistics.index': [...STAFF_CONSOLE],
    'tenant.statistics.export': [...STAFF_CONSOLE],
  },
  victimIds: {
    provider: async () => {
      const provider = await aozora()
      return provider.id
    },
    facility: async () => {
      const provider = await aozora()
      const facility = await Facility.query()
        .where('provider_id', provider.id)
        .orderBy('id')
        .firstOrFail()
      return facility.id
    },
    plugin: async () => 'postpartum_support',
    program: async () => 'postpartum',
  },
}
