import type { TenantRouteRules } from '#tests/helpers/tenant_routes/tenant_route_rules'
import { rules as residents } from '#tests/helpers/tenant_routes/staff_residents'
import { rules as applications } from '#tests/helpers/tenant_routes/staff_applications'
import { rules as coupons } from '#tests/helpers/tenant_routes/staff_coupons'
import { rules as providers } from '#tests/helpers/tenant_routes/staff_providers'
import { rules as csv } from '#tests/helpers/tenant_routes/staff_csv'
import { rules as residentAccount } from '#tests/helpers/tenant_routes/resident_account'
import { rules as residentApplications } from '#tests/helpers/tenant_routes/resident_applications'
import { rules as residentHome } from '#tests/helpers/tenant_routes/resident_home'
import { rules as residentVisits } from '#tests/helpers/tenant_routes/resident_visits'
import { rules as providerVisits } from '#tests/helpers/tenant_routes/provider_visits'
import { rules as providerApprovals } from '#tests/helpers/tenant_routes/provider_approvals'
import { rules as providerHistory } from '#tests/helpers/tenant_routes/provider_history'
import { rules as providerStaff } from '#tests/helpers/tenant_routes/provider_staff'
import { rules as staffSignIn } from '#tests/helpers/tenant_routes/staff_sign_in'
import { rules as oidcClients } from '#tests/helpers/tenant_routes/oidc_clients'

const core: TenantRouteRules = {
  roles: {
    'tenant.audit.index': ['municipal_admin'],
    'tenant.audit.export': ['municipal_admin'],
    'tenant.settings.show': ['municipal_admin'],
    'sample_program.notes.index': [
      'municipal_admin',
      'municipal_staff',
      'provider_admin',
      'provider_staff',
      'resident',
    ],
  },
  victimIds: {},
}

const all = [
  core,
  residents,
  applications,
  coupons,
  providers,
  csv,
  residentAccount,
  residentApplications,
  residentHome,
  residentVisits,
  providerVisits,
  providerApprovals,
  providerHistory,
  providerStaff,
  staffSignIn,
  oidcClients,
]

/**
 * Who may open each tenant screen. A tenant route missing here fails the
 * role matrix test until its rule is written down.
 */
export const ROLE_MATRIX = Object.assign(
  {},
  ...all.map((area) => area.roles)
) as TenantRouteRules['roles']

/**
 * Ids for route parameters, taken from the victim municipality. A route
 * with a parameter missing here fails the isolation test until it is added.
 */
export const VICTIM_IDS = Object.assign(
  {},
  ...all.map((area) => area.victimIds)
) as TenantRouteRules['victimIds']
