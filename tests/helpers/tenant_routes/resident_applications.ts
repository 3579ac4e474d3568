import type { TenantRouteRules } from '#tests/helpers/tenant_routes/tenant_route_rules'
import Application from '#applications/application'
import Resident from '#residents/resident'
import ProgramApplications from '#applications/program_applications'

const resident: TenantRouteRules['roles'][string] = ['resident']

/** Resident app: applications */
export const rules: TenantRouteRules = {
  roles: {
    'tenant.my.apply.index': resident,
    'tenant.my.apply.create': resident,
    'tenant.my.applications.index': resident,
    'tenant.my.applications.show': resident,
  },
  victimIds: {
    plugin: async () => 'postpartum_support',
    program: async () => 'postpartum',
    /**
     * An application of hanako (MN-000101): any she has (the staff
     * applications victim may have made one for her), else a home-help
     * application like that victim's, so neither meets an open one.
     */
    ownApplication: async (victim) => {
      const hanako = await Resident.query()
        .where('municipality_id', victim.id)
        .where('resident_number', 'MN-000101')
        .firstOrFail()
      const existing = await Application.query()
        .where('municipality_id', victim.id)
        .where('resident_id', hanako.id)
        .orderBy('id')
        .first()
      if (existing) return existing.id
      const application = await ProgramApplications.submit(victim.id, hanako.id, {
        pluginId: 'single_parent_home_help',
        programCode: 'home_help',
        answers: { reason: 'work', details: '平日の夕方に仕事があります。' },
      })
      return application.id
    },
  },
}
