import type { TenantRouteRules } from '#tests/helpers/tenant_routes/tenant_route_rules'
import Resident from '#residents/resident'
import Child from '#residents/child'

/** Resident app: account */
export const rules: TenantRouteRules = {
  roles: {
    'tenant.my.profile.show': ['resident'],
  },
  victimIds: {
    /** A child of Hanako (MN-000101, the role matrix's resident), created when she has none */
    ownChild: async (victim) => {
      const hanako = await Resident.findByOrFail({
        municipalityId: victim.id,
        residentNumber: 'MN-000101',
      })
      const child = await Child.firstOrCreate(
        { municipalityId: victim.id, residentId: hanako.id },
        { birthDate: '2025-04-01', multipleBirth: false }
      )
      return child.id
    },
  },
}
