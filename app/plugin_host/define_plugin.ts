import type { HttpRouterService } from '@adonisjs/core/types'
import type { JobLoader } from '#queue/types'

/**
 * The version of the plugin contract the core offers. A plugin states the
 * range it was written for in `requiresCore`.
 */
export const CORE_CONTRACT_VERSION = '1.0.0'

export type LocalizedText = { ja: string; en: string }

export type PluginRoutes = (router: HttpRouterService) => void

/**
 * One entitlement window of a coupon definition: how much the window may
 * grant in all (totalMinutes) and, per service, at most how much of that
 * (sub-caps, e.g. doula hours inside the postpartum total).
 */
export type EntitlementWindow = {
  key: string
  name: LocalizedText
  totalMinutes: number
  serviceMinutes?: Record<string, number>
}

/**
 * A versioned set of rules. Lots keep the version they were issued under;
 * old and new versions coexist.
 */
export type CouponDefinition = {
  version: string
  name: LocalizedText
  effectiveFrom: string
  windows: EntitlementWindow[]
}

export type ProgramManifest = {
  code: string
  name: LocalizedText
  /** What residents see as one unit (時間, 回) and how many minutes it is */
  unit: { label: LocalizedText; minutes: number }
  services: { code: string; name: LocalizedText }[]
  /** Services earlier in the list are spent first where a lot could pay for several */
  deductionPriority: string[]
  /** Allowed visit lengths, visits per resident per day, hours of the day (HH:MM) */
  visit: { minutes: number[]; perDay: number; from: string; to: string }
  definitions: CouponDefinition[]
  /** The version new grants use until staff switch it */
  defaultDefinition: string
}

export type PluginManifest = {
  /** snake_case, equal to the plugin's folder name and registry key */
  id: string
  /** semver of the plugin itself */
  version: string
  /** semver range of CORE_CONTRACT_VERSION the plugin works with */
  requiresCore: string
  name: LocalizedText
  /** The welfare programs this plugin brings, with their rules */
  programs?: ProgramManifest[]
  /**
   * Mounted at /m/:municipality/p/<id> behind sign-in, tenancy and the
   * municipality's enabling of the plugin; route names prefixed "<id>."
   */
  routes?: () => Promise<{ default: PluginRoutes }>
  /** Job names must start with "<id>:" */
  jobs?: Record<string, JobLoader>
}

/**
 * Identity function that gives plugin authors types and autocompletion.
 * The host validates the manifest at boot (plugin_manifest_validator).
 */
export function definePlugin<const Manifest extends PluginManifest>(manifest: Manifest): Manifest {
  return manifest
}
