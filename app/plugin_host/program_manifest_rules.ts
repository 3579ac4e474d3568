import PluginManifestError from '#plugin_host/plugin_manifest_error'
import type { ProgramManifest } from '#plugin_host/define_plugin'

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
      definition.windows.forEach((window, windowIndex) => {
        const windowAt = `${at}.definitions.${definitionIndex}.windows.${windowIndex}`
        for (const [service, minutes] of Object.entries(window.serviceMinutes ?? {})) {
          if (!services.includes(service)) {
            fail(`${windowAt}.serviceMinutes.${service}`, `names unknown service "${service}"`)
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
