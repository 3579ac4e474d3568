import { BasePolicy } from '@adonisjs/bouncer'
import type User from '#identity/user'
import type TenantContext from '#tenancy/tenant_context'

/**
 * Who may set how a municipality's staff sign in (its identity provider,
 * the local password on or off): its administrators.
 */
export default class StaffSignInPolicy extends BasePolicy {
  configure(_: User, tenant: TenantContext) {
    return tenant.hasRole('municipal_admin')
  }
}
