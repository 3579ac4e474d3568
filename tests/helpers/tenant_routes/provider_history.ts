import type { TenantRouteRules } from '#tests/helpers/tenant_routes/tenant_route_rules'

/** Provider console: history */
export const rules: TenantRouteRules = {
  roles: {},
  victimIds: {},
}
