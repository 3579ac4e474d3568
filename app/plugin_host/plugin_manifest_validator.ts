import vine, { errors } from '@vinejs/vine'
import semver from 'semver'
import PluginManifestError from '#plugin_host/plugin_manifest_error'
import { checkPrograms } from '#plugin_host/program_manifest_rules'
import { CORE_CONTRACT_VERSION, type PluginManifest } from '#plugin_host/define_plugin'

const localizedText = vine.object({
  ja: vine.string().trim().minLength(1).maxLength(120),
  en: vine.string().trim().minLength(1).maxLength(120),
})

const code = () => vine.string().regex(/^[a-z][a-z0-9_]{0,62}$/)
const isoDate = () => vine.string().regex(/^\d{4}-\d{2}-\d{2}$/)
const minutes = () => vine.number().withoutDecimals().positive()

const programSchema = vine.object({
  code: code(),
  name: localizedText,
  unit: vine.object({ label: localizedText, minutes: minutes() }),
  services: vine.array(vine.object({ code: code(), name: localizedText })).minLength(1),
  deductionPriority: vine.array(code()).minLength(1),
  visit: vine.object({
    minutes: vine.array(minutes()).minLength(1),
    perDay: vine.number().withoutDecimals().positive(),
    from: vine.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/),
    to: vine.string().regex(/^([01]\d|2[0-4]):[0-5]\d$/),
  }),
  definitions: vine
    .array(
      vine.object({
        version: vine.string().regex(/^[\w.-]{1,32}$/),
        name: localizedText,
        effectiveFrom: isoDate(),
        windows: vine
          .array(
            vine.object({
              key: code(),
              name: localizedText,
              totalMinutes: minutes(),
              serviceMinutes: vine.record(minutes()).optional(),
            })
          )
          .minLength(1),
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
