import { BasePolicy } from '@adonisjs/bouncer'
import type User from '#identity/user'
import type TenantContext from '#tenancy/tenant_context'
import type Resident from '#residents/resident'

export default class ResidentAppPolicy extends BasePolicy {
  /**
   * The resident pages of a municipality (/m/<slug>/my/...): residents whose
   * account is linked to a resident record there (the record the resident
   * middleware found for the signed-in account, or null).
   */
  act(_: User, tenant: TenantContext, ownRecord: Resident | null) {
    return tenant.hasRole('resident') && ownRecord !== null
  }
}
