import type { TenantRouteRules } from '#tests/helpers/tenant_routes/tenant_route_rules'
import type Municipality from '#tenancy/municipality'
import Resident from '#residents/resident'
import Child from '#residents/child'

const STAFF = ['municipal_admin', 'municipal_staff'] as const

async function victimResident(victim: Municipality) {
  return Resident.findByOrFail({ municipalityId: victim.id, residentNumber: 'MN-000101' })
}

/** Staff console: residents */
export const rules: TenantRouteRules = {
  roles: {
    'tenant.residents.index': [...STAFF],
    'tenant.residents.create': [...STAFF],
    'tenant.residents.show': [...STAFF],
    'tenant.residents.edit': [...STAFF],
  },
  victimIds: {
    resident: async (victim) => {
      const resident = await victimResident(victim)
      return resident.id
    },
    // The demo data seeds no children for tests: MN-000101 expects one
    child: async (victim) => {
      const resident = await victimResident(victim)
      const child = await Child.firstOrCreate(
        { municipalityId: victim.id, residentId: resident.id },
        { dueDate: '2030-01-01', multipleBirth: false }
      )
      return child.id
    },
  },
}
