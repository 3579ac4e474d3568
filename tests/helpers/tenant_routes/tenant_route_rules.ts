import type Municipality from '#tenancy/municipality'
import type { Role } from '#identity/membership'

/**
 * For each tenant route (by name): the roles that may open it; for each
 * route parameter: how to find an id of that kind in the victim
 * municipality (Minato), creating the row when the demo data has none.
 */
export type TenantRouteRules = {
  roles: Record<string, Role[]>
  victimIds: Record<string, (victim: Municipality) => Promise<string | number>>
}
