import { BasePolicy } from '@adonisjs/bouncer'
import type User from '#identity/user'
import type TenantContext from '#tenancy/tenant_context'

/**
 * The consoles of a municipality: who may work in them.
 */
export default class ConsolePolicy extends BasePolicy {
  /**
   * The municipal staff console (residents, applications, coupons, usage,
   * providers, CSV, statistics): the municipality's administrators and staff.
   */
  staff(_: User, tenant: TenantContext) {
    return tenant.hasRole('municipal_admin', 'municipal_staff')
  }

  /** The municipality's own settings (how dates are written): its administrators */
  administer(_: User, tenant: TenantContext) {
    return tenant.hasRole('municipal_admin')
  }

  /**
   * The provider console of a municipality (/m/<slug>/provider/...): the
   * staff of a provider working there. Staff management is for the
   * provider's administrators (ProviderStaffPolicy).
   */
  provider(_: User, tenant: TenantContext) {
    return tenant.hasRole('provider_admin', 'provider_staff')
  }
}
