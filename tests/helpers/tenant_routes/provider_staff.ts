import type { TenantRouteRules } from '#tests/helpers/tenant_routes/tenant_route_rules'

/** Provider console: staff */
export const rules: TenantRouteRules = {
  roles: {},
  victimIds: {},
}
