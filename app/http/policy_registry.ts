import type { BasePolicy } from '@adonisjs/bouncer'
import type { Constructor, LazyImport } from '@adonisjs/core/types/common'

export type PolicyRegistry = Record<string, LazyImport<Constructor<BasePolicy>>>

let registered: PolicyRegistry = {}

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
