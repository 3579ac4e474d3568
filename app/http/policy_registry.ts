import type { BasePolicy } from '@adonisjs/bouncer'
import type { HttpContext } from '@adonisjs/core/http'
import type { Constructor, LazyImport } from '@adonisjs/core/types/common'

export type PolicyRegistry = Record<string, LazyImport<Constructor<BasePolicy>>>

/** What the pages of a tenant may offer the signed-in user, decided by policies */
export type TenantAbilities = (ctx: HttpContext) => Promise<Record<string, boolean>>

let registered: PolicyRegistry = {}
let tenantAbilities: TenantAbilities = async () => ({})

/**
 * Every module's policies, by name, registered once at boot by
 * start/policies.ts (the one place that lists them). Controllers use the
 * policy classes themselves: bouncer.with(ConsolePolicy).authorize(...).
 */
export function registerPolicies(policies: PolicyRegistry) {
  registered = policies
}

export function registeredPolicies(): PolicyRegistry {
  return registered
}

/**
 * The menu entries a page may show (the audit trail, staff management), so
 * that a menu shows a screen exactly when its policy lets the user in. The
 * http module knows no feature policy: start/policies.ts registers them.
 */
export function registerTenantAbilities(abilities: TenantAbilities) {
  tenantAbilities = abilities
}

export function tenantAbilitiesOf(ctx: HttpContext) {
  return tenantAbilities(ctx)
}
