import { BasePolicy } from '@adonisjs/bouncer'
import type User from '#identity/user'
import type TenantContext from '#tenancy/tenant_context'

export default class AuditTrailPolicy extends BasePolicy {
  /** The audit trail of a municipality is for its administrators only */
  read(_: User, tenant: TenantContext) {
    return tenant.hasRole('municipal_admin')
  }
}
