import type { TenantRouteRules } from '#tests/helpers/tenant_routes/tenant_route_rules'

/** Staff console: how the municipality's staff sign in (its identity provider) */
export const rules: TenantRouteRules = {
  roles: {
    'tenant.staff_sign_in.show': ['municipal_admin'],
  },
  victimIds: {},
}
