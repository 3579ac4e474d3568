import app from '@adonisjs/core/services/app'
import type { TransactionClientContract } from '@adonisjs/lucid/types/database'
import db from '@adonisjs/lucid/services/db'
import LedgerRefusal from '#ledger/ledger_refusal'
import type { PluginManifest, ProgramManifest } from '#plugin_host/define_plugin'

export type ProgramRef = { pluginId: string; programCode: string }
export type ResolvedProgram = { plugin: PluginManifest; program: ProgramManifest }

/**
 * Where the core finds a program's rules: the validated manifests the
 * plugin host loaded at boot.
 */
export default class ProgramCatalog {
  static async find(ref: ProgramRef): Promise<ResolvedProgram> {
    const host = await app.container.make('plugins')
    const plugin = host.get(ref.pluginId)
    const program = plugin?.programs?.find((candidate) => candidate.code === ref.programCode)
    if (!plugin || !program) {
      throw new LedgerRefusal('unknown_program', { program: `${ref.pluginId}/${ref.programCode}` })
    }
    return { plugin, program }
  }

  static definition(program: ProgramManifest, version: string) {
    const definition = program.definitions.find((candidate) => candidate.version === version)
    if (!definition) throw new LedgerRefusal('unknown_definition', { version })
    return definition
  }

  static serviceName(program: ProgramManifest, service: string) {
    return (
      program.services.find((candidate) => candidate.code === service)?.name ?? {
        ja: service,
        en: service,
      }
    )
  }

  /**
   * The programs of the plugins a municipality has enabled, in the plugin
   * registry's order (the one order every screen lists programs in).
   */
  static async enabled(
    municipalityId: number,
    client: TransactionClientContract | typeof db = db
  ): Promise<ResolvedProgram[]> {
    const host = await app.container.make('plugins')
    const rows = await client
      .from('municipality_plugins')
      .where('municipality_id', municipalityId)
      .select('plugin_id')
    const enabledIds = new Set(rows.map((row) => String(row.plugin_id)))
    return host.plugins
      .filter((plugin) => enabledIds.has(plugin.id))
      .flatMap((plugin) => (plugin.programs ?? []).map((program) => ({ plugin, program })))
  }

  /** Refuses programs of plugins the municipality has not enabled */
  static async assertEnabled(
    municipalityId: number,
    ref: ProgramRef,
    client: TransactionClientContract | typeof db = db
  ) {
    const enabled = await client
      .from('municipality_plugins')
      .where({ municipality_id: municipalityId, plugin_id: ref.pluginId })
      .first()
    if (!enabled) throw new LedgerRefusal('program_not_enabled', { program: ref.pluginId })
  }
}
