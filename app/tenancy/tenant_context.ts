import type Municipality from '#tenancy/municipality'
import type Membership from '#identity/membership'
import type { Role } from '#identity/membership'

/**
 * The municipality a request acts in, and what the signed-in person may be
 * there. Bound per request by the tenant middleware; services and policies
 * scope every query by `municipality.id`.
 */
export default class TenantContext {
  constructor(
    readonly municipality: Municipality,
    readonly memberships: Membership[]
  ) {}

  get municipalityId() {
    return this.municipality.id
  }

  get roles(): Role[] {
    return this.memberships.map((membership) => membership.role)
  }

  hasRole(...roles: Role[]) {
    return this.memberships.some((membership) => roles.includes(membership.role))
  }

  /**
   * The strongest role held here, for the audit trail's "role" column.
   */
  get primaryRole(): Role | null {
    const order: Role[] = [
      'municipal_admin',
      'municipal_staff',
      'provider_admin',
      'provider_staff',
      'resident',
    ]
    return order.find((role) => this.hasRole(role)) ?? null
  }
}
