/*
| Every bouncer policy, by name: the one place they are registered.
| A module's policy is named <topic>_policy.ts in its folder.
*/
import { registerPolicies, registerTenantAbilities } from '#http/policy_registry'
import AuditTrailPolicy from '#audit_viewer/audit_trail_policy'
import ProviderStaffPolicy from '#providers/provider_staff_policy'
import ConsolePolicy from '#tenancy/console_policy'

registerPolicies({
  ConsolePolicy: () => import('#tenancy/console_policy'),
  ResidentAppPolicy: () => import('#residents/resident_app_policy'),
  ProviderStaffPolicy: () => import('#providers/provider_staff_policy'),
  PlatformPolicy: () => import('#operator/platform_policy'),
  AuditTrailPolicy: () => import('#audit_viewer/audit_trail_policy'),
  PluginPermissionPolicy: () => import('#plugin_host/plugin_permission_policy'),
  StaffSignInPolicy: () => import('#staff_sign_in/staff_sign_in_policy'),
})

// The menu entries of a tenant's pages that only some roles may open
registerTenantAbilities(async ({ bouncer, tenant }) => ({
  readAuditTrail: await bouncer.with(AuditTrailPolicy).allows('read', tenant),
  manageProviderStaff: await bouncer.with(ProviderStaffPolicy).allows('manage', tenant),
  administerMunicipality: await bouncer.with(ConsolePolicy).allows('administer', tenant),
}))
