import type { TenantRouteRules } from '#tests/helpers/tenant_routes/tenant_route_rules'
import User from '#identity/user'

/** Provider console: staff (provider administrators only) */
export const rules: TenantRouteRules = {
  roles: {
    'tenant.provider.staff.index': ['provider_admin'],
  },
  victimIds: {
    // A member of Aozora's staff in Minato
    providerStaff: async () => {
      const helper = await User.findByOrFail('email', 'helper@aozora.example')
      return helper.id
    },
  },
}
