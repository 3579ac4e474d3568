import PluginManifestError from '#plugin_host/plugin_manifest_error'
import type {
  DateRule,
  FormField,
  PluginManifest,
  ProgramManifest,
} from '#plugin_host/define_plugin'

function minutesOfDay(time: string) {
  const [hours, minutes] = time.split(':').map(Number)
  return hours * 60 + minutes
}

function duplicateIn(values: string[]) {
  return values.find((value, index) => values.indexOf(value) !== index)
}

/**
 * The cross-field rules of program manifests that a schema cannot say:
 * codes unique, priorities naming known services, caps that add up.
 * Throws PluginManifestError naming the plugin and the field.
 */
export function checkPrograms(pluginId: string, programs: ProgramManifest[]) {
  const fail = (field: string, reason: string) => {
    throw new PluginManifestError(pluginId, field, reason)
  }
  const duplicateProgram = duplicateIn(programs.map((program) => program.code))
  if (duplicateProgram) fail('programs', `declares program "${duplicateProgram}" twice`)

  programs.forEach((program, programIndex) => {
    const at = `programs.${programIndex}`
    const services = program.services.map((service) => service.code)
    const duplicateService = duplicateIn(services)
    if (duplicateService) fail(`${at}.services`, `declares service "${duplicateService}" twice`)

    program.deductionPriority.forEach((service, index) => {
      if (!services.includes(service)) {
        fail(`${at}.deductionPriority.${index}`, `names unknown service "${service}"`)
      }
    })

    program.visit.minutes.forEach((minutes, index) => {
      if (minutes % program.unit.minutes !== 0) {
        fail(
          `${at}.visit.minutes.${index}`,
          `${minutes} is not a whole number of units (${program.unit.minutes} minutes)`
        )
      }
    })
    if (minutesOfDay(program.visit.from) >= minutesOfDay(program.visit.to)) {
      fail(`${at}.visit`, `from ${program.visit.from} is not before to ${program.visit.to}`)
    }
    for (const service of Object.keys(program.visit.dailyMinutes ?? {})) {
      if (!services.includes(service)) {
        fail(`${at}.visit.dailyMinutes.${service}`, `names unknown service "${service}"`)
      }
    }
    const duplicateTier = duplicateIn((program.copayment?.tiers ?? []).map((tier) => tier.code))
    if (duplicateTier) fail(`${at}.copayment.tiers`, `declares tier "${duplicateTier}" twice`)
    const duplicateReason = duplicateIn(
      (program.eligibility?.reasons ?? []).map((reason) => reason.code)
    )
    if (duplicateReason) {
      fail(`${at}.eligibility.reasons`, `declares reason "${duplicateReason}" twice`)
    }

    const versions = program.definitions.map((definition) => definition.version)
    const duplicateVersion = duplicateIn(versions)
    if (duplicateVersion) fail(`${at}.definitions`, `declares version "${duplicateVersion}" twice`)
    if (!versions.includes(program.defaultDefinition)) {
      fail(
        `${at}.defaultDefinition`,
        `"${program.defaultDefinition}" is not one of the definitions`
      )
    }

    program.definitions.forEach((definition, definitionIndex) => {
      const duplicateWindow = duplicateIn(definition.windows.map((window) => window.key))
      if (duplicateWindow) {
        fail(
          `${at}.definitions.${definitionIndex}.windows`,
          `declares window "${duplicateWindow}" twice`
        )
      }
      const definitionAt = `${at}.definitions.${definitionIndex}`
      const checkAnchor = (rule: DateRule, field: string) => {
        if (rule.anchor === 'birth' && definition.per === 'resident') {
          fail(field, 'counts from a birth but the definition is per resident, not per child')
        }
      }
      for (const [service, rule] of Object.entries(definition.serviceUntil ?? {})) {
        if (!services.includes(service)) {
          fail(`${definitionAt}.serviceUntil.${service}`, `names unknown service "${service}"`)
        }
        checkAnchor(rule, `${definitionAt}.serviceUntil.${service}`)
      }
      definition.windows.forEach((window, windowIndex) => {
        const windowAt = `${definitionAt}.windows.${windowIndex}`
        checkAnchor(window.from, `${windowAt}.from`)
        checkAnchor(window.to, `${windowAt}.to`)
        if (window.births && definition.per === 'resident') {
          fail(`${windowAt}.births`, 'needs a definition per child or per birth')
        }
        if (window.minimumMinutes !== undefined && window.minimumMinutes > window.totalMinutes) {
          fail(
            `${windowAt}.minimumMinutes`,
            `${window.minimumMinutes} is above the window cap ${window.totalMinutes}`
          )
        }
        const windowServices = window.services ?? services
        window.services?.forEach((service, index) => {
          if (!services.includes(service)) {
            fail(`${windowAt}.services.${index}`, `names unknown service "${service}"`)
          }
        })
        for (const [service, minutes] of Object.entries(window.serviceMinutes ?? {})) {
          if (!services.includes(service)) {
            fail(`${windowAt}.serviceMinutes.${service}`, `names unknown service "${service}"`)
          }
          if (!windowServices.includes(service)) {
            fail(
              `${windowAt}.serviceMinutes.${service}`,
              `names service "${service}" that the window does not pay for`
            )
          }
          if (minutes > window.totalMinutes) {
            fail(
              `${windowAt}.serviceMinutes.${service}`,
              `sub-cap ${minutes} is above the window cap ${window.totalMinutes}`
            )
          }
        }
      })
    })
  })
}

function checkFields(
  fields: FormField[],
  at: string,
  fail: (field: string, reason: string) => never
) {
  const duplicateKey = duplicateIn(fields.map((field) => field.key))
  if (duplicateKey) fail(at, `declares "${duplicateKey}" twice`)
  fields.forEach((field, index) => {
    const fieldAt = `${at}.${index}`
    const hasChoices = field.type === 'choice' || field.type === 'multi_choice'
    if (hasChoices && !field.options) fail(`${fieldAt}.options`, `are required for ${field.type}`)
    if (!hasChoices && field.options) fail(`${fieldAt}.options`, `make no sense for ${field.type}`)
    const duplicateOption = duplicateIn((field.options ?? []).map((option) => option.value))
    if (duplicateOption) fail(`${fieldAt}.options`, `declare "${duplicateOption}" twice`)
    if (field.min !== undefined && field.max !== undefined && field.min > field.max) {
      fail(`${fieldAt}.min`, `${field.min} is above max ${field.max}`)
    }
  })
}

/**
 * Form, survey, CSV and permission declarations: keys unique, choices
 * with options, ranges that make sense.
 */
export function checkForms(pluginId: string, manifest: PluginManifest) {
  const fail = (field: string, reason: string): never => {
    throw new PluginManifestError(pluginId, field, reason)
  }
  if (manifest.applicationForm) {
    checkFields(manifest.applicationForm.fields, 'applicationForm.fields', fail)
  }
  if (manifest.survey) checkFields(manifest.survey.questions, 'survey.questions', fail)
  for (const direction of ['export', 'import'] as const) {
    const duplicateSpec = duplicateIn((manifest.csv?.[direction] ?? []).map((spec) => spec.key))
    if (duplicateSpec) fail(`csv.${direction}`, `declares "${duplicateSpec}" twice`)
  }
  const duplicatePermission = duplicateIn(
    (manifest.permissions ?? []).map((permission) => permission.key)
  )
  if (duplicatePermission) fail('permissions', `declares "${duplicatePermission}" twice`)
}
