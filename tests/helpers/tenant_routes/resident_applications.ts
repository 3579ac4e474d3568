import type { TenantRouteRules } from '#tests/helpers/tenant_routes/tenant_route_rules'

/** Resident app: applications */
export const rules: TenantRouteRules = {
  roles: {},
  victimIds: {},
}
