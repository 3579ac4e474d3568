import { BaseCommand, args } from '@adonisjs/core/ace'
import type { CommandOptions } from '@adonisjs/core/types/ace'
import PluginScaffolder, { type ScaffoldedPlugin } from '#plugin_host/plugin_scaffolder'
import PluginScaffoldError from '#plugin_host/plugin_scaffold_error'

/**
 * Scaffolds a program plugin under plugins/<id>/ and registers it in
 * plugins/index.ts. Exits 1 with the reason when the id is refused; nothing
 * is written then.
 */
export default class MakePlugin extends BaseCommand {
  static commandName = 'make:plugin'
  static description =
    'Scaffold a program plugin in plugins/<id> (manifest, route, page, translations, migration, test) and register it'

  // Writes files only: no database or providers needed
  static options: CommandOptions = { startApp: false }

  @args.string({ description: 'Plugin id in snake_case, e.g. child_care' })
  declare id: string

  async run() {
    let plugin: ScaffoldedPlugin
    try {
      plugin = await new PluginScaffolder().scaffold(this.app.makePath(), this.id)
    } catch (error) {
      if (!(error instanceof PluginScaffoldError)) throw error
      this.logger.error(error.message)
      this.exitCode = 1
      return
    }

    for (const file of plugin.files) this.logger.action(`create ${file}`).succeeded()
    this.logger.action(`update ${plugin.registryFile}`).succeeded()

    const id = plugin.id
    this.ui
      .instructions()
      .heading('Next steps')
      .add(`Replace the placeholder names and rules in plugins/${id}/plugin.ts`)
      .add(`Run ${this.colors.cyan('node ace migration:run')} to create ${id}_records`)
      .add(`Enable the plugin for a municipality in the operator console`)
      .add(`Open /m/<municipality>/p/${id} once signed in as that municipality's staff`)
      .add(
        `Run ${this.colors.cyan(`node ace test unit --files=plugins/${id}/tests/unit/${id}_manifest.spec.ts`)}`
      )
      .render()
    this.exitCode = 0
  }
}
