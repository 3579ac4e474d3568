import type { LocalizedText } from '#shared/localized_text'
import type { HttpRouterService } from '@adonisjs/core/types'
import type { JobLoader } from '#queue/types'
import type { Role } from '#identity/membership'

/**
 * The version of the plugin contract the core offers. A plugin states the
 * range it was written for in `requiresCore`.
 */
export const CORE_CONTRACT_VERSION = '1.0.0'

export type { LocalizedText }

/*
| The plugin host's public API: plugins import this file only. Plugin jobs
| extend Job from here.
*/
export { Job, type JobContext } from '#queue/job'

export type PluginRoutes = (router: HttpRouterService) => void

/**
 * A date computed for each grant. `issue` is the day of issuance, `birth`
 * the child's birth date (the due date until the child is born),
 * `fiscal_year_end` 31 March of the fiscal year (April–March) of issuance.
 * `months` and `days` are added in that order, e.g. the day before the first
 * birthday is { anchor: 'birth', months: 12, days: -1 }.
 */
export type DateRule = {
  anchor: 'issue' | 'birth' | 'fiscal_year_end'
  months?: number
  days?: number
}

/**
 * One entitlement window of a coupon definition: when its lot is valid, how
 * much the window may grant in all (totalMinutes) and, per service, at most
 * how much of that may be spent on it (sub-caps, e.g. doula hours inside the
 * postpartum total). Staff may grant less, down to minimumMinutes.
 */
export type EntitlementWindow = {
  key: string
  name: LocalizedText
  from: DateRule
  to: DateRule
  totalMinutes: number
  /** The least one grant may give; the default grant gives totalMinutes */
  minimumMinutes?: number
  /** The services the window's lot pays for (all the program's when omitted) */
  services?: string[]
  serviceMinutes?: Record<string, number>
  /** Only for single births or only for multiple births */
  births?: 'single' | 'multiple'
}

/**
 * A versioned set of rules. Lots keep the version they were issued under;
 * old and new versions coexist.
 */
export type CouponDefinition = {
  version: string
  name: LocalizedText
  effectiveFrom: string
  /** Whom the windows belong to: each child, each birth (twins share), or the resident */
  per: 'child' | 'birth' | 'resident'
  windows: EntitlementWindow[]
  /** Last day a service may be used, e.g. doula until the day before 7 months old */
  serviceUntil?: Record<string, DateRule>
}

export type ProgramManifest = {
  code: string
  name: LocalizedText
  /** What residents see as one unit (時間, 回) and how many minutes it is */
  unit: { label: LocalizedText; minutes: number }
  services: { code: string; name: LocalizedText }[]
  /** Services earlier in the list are spent first where a lot could pay for several */
  deductionPriority: string[]
  /**
   * Allowed visit lengths, visits per resident per day, the hours of the day
   * a visit must fit in (HH:MM), and per-service limits of minutes per day.
   */
  visit: {
    minutes: number[]
    perDay: number
    from: string
    to: string
    dailyMinutes?: Record<string, number>
  }
  /** Who may receive it; checked at issuance */
  eligibility?: {
    /** Qualifying reasons residents choose from when applying */
    reasons?: { code: string; name: LocalizedText }[]
    /** The household needs a child at most in this school grade (6 = 小学6年生) */
    childMaxSchoolGrade?: number
  }
  /** Hourly co-payment by income tier, shown on provider exports */
  copayment?: { tiers: { code: string; name: LocalizedText; yenPerUnit: number }[] }
  definitions: CouponDefinition[]
  /** The version new grants use until a municipality switches it */
  defaultDefinition: string
}

/** A question asked of residents: on the application form or the survey */
export type FormField = {
  key: string
  type: 'text' | 'textarea' | 'date' | 'number' | 'choice' | 'multi_choice' | 'boolean' | 'rating'
  label: LocalizedText
  help?: LocalizedText
  required: boolean
  options?: { value: string; label: LocalizedText }[]
  maxLength?: number
  min?: number
  max?: number
}

/**
 * The columns of a CSV the plugin declares. `field` names a value the core
 * knows how to fill (see csv_fields.ts); headers are in both languages.
 */
export type CsvColumn = { field: string; header: LocalizedText }
export type CsvSpec = { key: string; name: LocalizedText; columns: CsvColumn[] }

/**
 * An action the plugin's screens check with the core's pluginPermission
 * ability; `roles` are the core roles that hold it.
 */
export type PluginPermission = { key: string; name: LocalizedText; roles: Role[] }

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
  /** What residents answer when they apply */
  applicationForm?: { fields: FormField[] }
  /** Asked once after an approved visit; every question optional to answer */
  survey?: { questions: FormField[] }
  /** CSV formats the plugin offers (export) and accepts (import) */
  csv?: { export?: CsvSpec[]; import?: CsvSpec[] }
  permissions?: PluginPermission[]
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
