import type { TenantRouteRules } from '#tests/helpers/tenant_routes/tenant_route_rules'

/**
 * Resident app: a program's page and the history. The `plugin`/`program`
 * victim ids come from resident_applications.ts.
 */
export const rules: TenantRouteRules = {
  roles: {
    'tenant.my.programs.show': ['resident'],
    'tenant.my.history.index': ['resident'],
  },
  victimIds: {},
}
