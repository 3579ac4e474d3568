import type { TenantRouteRules } from '#tests/helpers/tenant_routes/tenant_route_rules'

/** Staff console: residents */
export const rules: TenantRouteRules = { roles: {}, victimIds: {} }
