/*
| Pre-registered Bouncer abilities: rules that belong to no single record.
| Record-level rules live in policies (app/policies).
*/
import { Bouncer } from '@adonisjs/bouncer'
import type User from '#identity/user'
import type TenantContext from '#tenancy/tenant_context'
import Membership from '#identity/membership'
import type Resident from '#residents/resident'
import app from '@adonisjs/core/services/app'

/**
 * Platform operators add municipalities and enable plugins; they do not
 * see residents' data.
 */
export const operatePlatform = Bouncer.ability(async (user: User) => {
  const membership = await Membership.query()
    .where('user_id', user.id)
    .where('role', 'platform_operator')
    .first()
  return membership !== null
})

/**
 * The audit trail of a municipality is for its administrators only.
 */
export const readAuditTrail = Bouncer.ability((_: User, tenant: TenantContext) =>
  tenant.hasRole('municipal_admin')
)

/**
 * A permission a plugin declares (e.g. postpartum_support "issue"): held by
 * the roles its manifest names, in this municipality.
 */
export const usePluginPermission = Bouncer.ability(
  async (_: User, tenant: TenantContext, pluginId: string, permission: string) => {
    const host = await app.container.make('plugins')
    const declared = host.get(pluginId)?.permissions?.find((entry) => entry.key === permission)
    return declared ? tenant.hasRole(...declared.roles) : false
  }
)

/**
 * The municipal staff console (residents, applications, coupons, usage,
 * providers, CSV, statistics): the municipality's administrators and staff.
 */
export const workInStaffConsole = Bouncer.ability((_: User, tenant: TenantContext) =>
  tenant.hasRole('municipal_admin', 'municipal_staff')
)

/**
 * The resident pages of a municipality (/m/<slug>/my/...): residents whose
 * account is linked to a resident record there (the record the resident
 * middleware found for the signed-in account, or null).
 */
export const actAsResident = Bouncer.ability(
  (_: User, tenant: TenantContext, ownRecord: Resident | null) =>
    tenant.hasRole('resident') && ownRecord !== null
)

/**
 * The provider console of a municipality (/m/<slug>/provider/...): the
 * staff of a provider working there. Staff management is for the
 * provider's administrators (manageProviderStaff).
 */
export const workInProviderConsole = Bouncer.ability((_: User, tenant: TenantContext) =>
  tenant.hasRole('provider_admin', 'provider_staff')
)

export const manageProviderStaff = Bouncer.ability((_: User, tenant: TenantContext) =>
  tenant.hasRole('provider_admin')
)
