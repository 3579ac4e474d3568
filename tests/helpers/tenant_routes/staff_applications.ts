import type { TenantRouteRules } from '#tests/helpers/tenant_routes/tenant_route_rules'
import Application from '#applications/application'
import Resident from '#residents/resident'
import ProgramApplications from '#applications/program_applications'

const staff: TenantRouteRules['roles'][string] = ['municipal_admin', 'municipal_staff']

/** Staff console: applications */
export const rules: TenantRouteRules = {
  roles: {
    'tenant.applications.index': staff,
    'tenant.applications.show': staff,
  },
  victimIds: {
    /** An application of the victim municipality: a submitted one, created when there is none */
    application: async (victim) => {
      const existing = await Application.query()
        .where('municipality_id', victim.id)
        .orderBy('id')
        .first()
      if (existing) return existing.id
      const resident = await Resident.query()
        .where('municipality_id', victim.id)
        .orderBy('resident_number')
        .firstOrFail()
      const application = await ProgramApplications.submit(victim.id, resident.id, {
        pluginId: 'single_parent_home_help',
        programCode: 'home_help',
        answers: { reason: 'work', details: '平日の夕方に仕事があります。' },
      })
      return application.id
    },
  },
}
