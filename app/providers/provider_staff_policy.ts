import { BasePolicy } from '@adonisjs/bouncer'
import type User from '#identity/user'
import type TenantContext from '#tenancy/tenant_context'

export default class ProviderStaffPolicy extends BasePolicy {
  /** Inviting, disabling and enabling a provider's staff: its administrators */
  manage(_: User, tenant: TenantContext) {
    return tenant.hasRole('provider_admin')
  }
}
