import vine, { errors } from '@vinejs/vine'
import semver from 'semver'
import PluginManifestError from '#plugin_host/plugin_manifest_error'
import { checkPrograms, checkForms } from '#plugin_host/program_manifest_rules'
import { CSV_EXPORT_FIELDS, CSV_IMPORT_FIELDS } from '#csv/csv_fields'
import { ROLES } from '#identity/membership'
import { CORE_CONTRACT_VERSION, type PluginManifest } from '#plugin_host/define_plugin'

const localized = () =>
  vine.object({
    ja: vine.string().trim().minLength(1).maxLength(200),
    en: vine.string().trim().minLength(1).maxLength(200),
  })
const localizedText = localized()

const code = () => vine.string().regex(/^[a-z][a-z0-9_]{0,62}$/)
const isoDate = () => vine.string().regex(/^\d{4}-\d{2}-\d{2}$/)
const minutes = () => vine.number().withoutDecimals().positive()
const timeOfDay = () => vine.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/)
const dateRule = () =>
  vine.object({
    anchor: vine.enum(['issue', 'birth', 'fiscal_year_end'] as const),
    months: vine.number().withoutDecimals().range([-1200, 1200]).optional(),
    days: vine.number().withoutDecimals().range([-36500, 36500]).optional(),
  })

const formField = () =>
  vine.object({
    key: code(),
    type: vine.enum([
      'text',
      'textarea',
      'date',
      'number',
      'choice',
      'multi_choice',
      'boolean',
      'rating',
    ] as const),
    label: localizedText,
    help: localized().optional(),
    required: vine.boolean(),
    options: vine
      .array(vine.object({ value: code(), label: localizedText }))
      .minLength(1)
      .optional(),
    maxLength: vine.number().withoutDecimals().range([1, 10_000]).optional(),
    min: vine.number().optional(),
    max: vine.number().optional(),
  })

const csvSpecs = (fields: readonly string[]) =>
  vine
    .array(
      vine.object({
        key: code(),
        name: localizedText,
        columns: vine
          .array(vine.object({ field: vine.enum(fields), header: localizedText }))
          .minLength(1),
      })
    )
    .optional()

const programSchema = vine.object({
  code: code(),
  name: localizedText,
  unit: vine.object({ label: localizedText, minutes: minutes() }),
  services: vine.array(vine.object({ code: code(), name: localizedText })).minLength(1),
  deductionPriority: vine.array(code()).minLength(1),
  visit: vine.object({
    minutes: vine.array(minutes()).minLength(1),
    perDay: vine.number().withoutDecimals().positive(),
    from: timeOfDay(),
    to: vine.string().regex(/^(([01]\d|2[0-3]):[0-5]\d|24:00)$/),
    dailyMinutes: vine.record(minutes()).optional(),
  }),
  eligibility: vine
    .object({
      reasons: vine
        .array(vine.object({ code: code(), name: localizedText }))
        .minLength(1)
        .optional(),
      childMaxSchoolGrade: vine.number().withoutDecimals().range([0, 12]).optional(),
    })
    .optional(),
  copayment: vine
    .object({
      tiers: vine
        .array(
          vine.object({
            code: vine.string().regex(/^[\w-]{1,8}$/),
            name: localizedText,
            yenPerUnit: vine.number().withoutDecimals().min(0),
          })
        )
        .minLength(1),
    })
    .optional(),
  definitions: vine
    .array(
      vine.object({
        version: vine.string().regex(/^[\w.-]{1,32}$/),
        name: localizedText,
        effectiveFrom: isoDate(),
        per: vine.enum(['child', 'birth', 'resident'] as const),
        windows: vine
          .array(
            vine.object({
              key: code(),
              name: localizedText,
              from: dateRule(),
              to: dateRule(),
              totalMinutes: minutes(),
              minimumMinutes: minutes().optional(),
              services: vine.array(code()).minLength(1).optional(),
              serviceMinutes: vine.record(minutes()).optional(),
              births: vine.enum(['single', 'multiple'] as const).optional(),
            })
          )
          .minLength(1),
        serviceUntil: vine.record(dateRule()).optional(),
      })
    )
    .minLength(1),
  defaultDefinition: vine.string(),
})

const manifestSchema = vine.compile(
  vine.object({
    id: vine.string().regex(/^[a-z][a-z0-9_]{1,62}$/),
    version: vine.string(),
    requiresCore: vine.string(),
    name: localizedText,
    programs: vine.array(programSchema).optional(),
    applicationForm: vine.object({ fields: vine.array(formField()).minLength(1) }).optional(),
    survey: vine.object({ questions: vine.array(formField()).minLength(1) }).optional(),
    csv: vine
      .object({ export: csvSpecs(CSV_EXPORT_FIELDS), import: csvSpecs(CSV_IMPORT_FIELDS) })
      .optional(),
    permissions: vine
      .array(
        vine.object({
          key: code(),
          name: localizedText,
          roles: vine.array(vine.enum(ROLES)).minLength(1),
        })
      )
      .optional(),
    routes: vine.any().optional(),
    jobs: vine.record(vine.any()).optional(),
  })
)

/**
 * Checks one manifest against the contract. `registryKey` is the key the
 * plugin is listed under in plugins/index.ts (its folder name).
 */
export async function validatePluginManifest(
  registryKey: string,
  manifest: unknown
): Promise<PluginManifest> {
  let parsed: PluginManifest
  try {
    parsed = (await manifestSchema.validate(manifest)) as PluginManifest
  } catch (error) {
    if (error instanceof errors.E_VALIDATION_ERROR) {
      const first = error.messages[0] as { field: string; rule: string; message: string }
      throw new PluginManifestError(registryKey, first.field, `is invalid (${first.message})`)
    }
    throw error
  }

  if (parsed.id !== registryKey) {
    throw new PluginManifestError(
      registryKey,
      'id',
      `is "${parsed.id}" but the plugin is registered (and its folder named) "${registryKey}"`
    )
  }
  if (!semver.valid(parsed.version)) {
    throw new PluginManifestError(registryKey, 'version', `"${parsed.version}" is not semver`)
  }
  if (!semver.validRange(parsed.requiresCore)) {
    throw new PluginManifestError(
      registryKey,
      'requiresCore',
      `"${parsed.requiresCore}" is not a semver range`
    )
  }
  if (!semver.satisfies(CORE_CONTRACT_VERSION, parsed.requiresCore)) {
    throw new PluginManifestError(
      registryKey,
      'requiresCore',
      `"${parsed.requiresCore}" does not accept the core contract ${CORE_CONTRACT_VERSION}`
    )
  }
  if (parsed.routes !== undefined && typeof parsed.routes !== 'function') {
    throw new PluginManifestError(registryKey, 'routes', 'must be a lazy import function')
  }
  checkPrograms(registryKey, parsed.programs ?? [])
  checkForms(registryKey, parsed)
  for (const [jobName, loader] of Object.entries(parsed.jobs ?? {})) {
    if (!jobName.startsWith(`${registryKey}:`)) {
      throw new PluginManifestError(
        registryKey,
        `jobs.${jobName}`,
        `must start with "${registryKey}:"`
      )
    }
    if (typeof loader !== 'function') {
      throw new PluginManifestError(
        registryKey,
        `jobs.${jobName}`,
        'must be a lazy import function'
      )
    }
  }
  return parsed
}
