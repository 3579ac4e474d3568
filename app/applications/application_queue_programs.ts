import app from '@adonisjs/core/services/app'
import db from '@adonisjs/lucid/services/db'
import type Application from '#applications/application'
import type ApplicationPresenter from '#applications/application_presenter'

/**
 * The programs of the staff applications queue: every installed program
 * names the applications to it; the filter offers those the municipality
 * uses.
 */
export async function applicationQueuePrograms(
  municipalityId: number,
  present: ApplicationPresenter
) {
  const host = await app.container.make('plugins')
  const enabled = await db
    .from('municipality_plugins')
    .where('municipality_id', municipalityId)
    .select('plugin_id')
  const enabledIds = new Set(enabled.map((row) => row.plugin_id as string))
  const installed = host.plugins.flatMap((plugin) =>
    (plugin.programs ?? []).map((program) => ({
      value: `${plugin.id}:${program.code}`,
      label: present.text(program.name),
      enabled: enabledIds.has(plugin.id),
    }))
  )
  return {
    filterChoices: installed
      .filter((program) => program.enabled)
      .map(({ value, label }) => ({ value, label })),
    nameOf(application: Application) {
      const value = `${application.pluginId}:${application.programCode}`
      return installed.find((program) => program.value === value)?.label ?? value
    },
  }
}
