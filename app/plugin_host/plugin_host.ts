import type { HttpRouterService } from '@adonisjs/core/types'
import type QueueManager from '#queue/queue_manager'
import type { PluginManifest } from '#plugin_host/define_plugin'
import PluginManifestError from '#plugin_host/plugin_manifest_error'
import { validatePluginManifest } from '#plugin_host/plugin_manifest_validator'

export type PluginRegistry = Record<string, () => Promise<{ default: PluginManifest }>>

/**
 * Loads every registered plugin, validates its manifest, and wires its
 * routes and jobs into the core. Refuses to continue on the first bad
 * manifest.
 */
export default class PluginHost {
  #plugins = new Map<string, PluginManifest>()

  get plugins(): PluginManifest[] {
    return [...this.#plugins.values()]
  }

  get(id: string) {
    return this.#plugins.get(id)
  }

  async load(registry: PluginRegistry) {
    for (const [key, loader] of Object.entries(registry)) {
      const module = await loader()
      const manifest = await validatePluginManifest(key, module.default)
      if (this.#plugins.has(manifest.id)) {
        throw new PluginManifestError(key, 'id', 'is registered twice')
      }
      this.#plugins.set(manifest.id, manifest)
    }
  }

  registerJobs(queue: QueueManager) {
    for (const plugin of this.#plugins.values()) {
      for (const [name, loader] of Object.entries(plugin.jobs ?? {})) {
        if (!queue.hasJob(name)) queue.register(name, loader)
      }
    }
  }

  /**
   * A plugin's routes live inside a municipality, behind sign-in, tenancy
   * and the municipality's choice to use the plugin:
   * /m/<municipality>/p/<plugin id>/...
   */
  async registerRoutes(router: HttpRouterService) {
    const { middleware } = await import('#start/kernel')
    for (const plugin of this.#plugins.values()) {
      if (!plugin.routes) continue
      const { default: defineRoutes } = await plugin.routes()
      router
        .group(() => defineRoutes(router))
        .prefix(`/m/:municipality/p/${plugin.id}`)
        .as(plugin.id)
        .use([
          middleware.auth(),
          middleware.tenant(),
          middleware.pluginEnabled({ pluginId: plugin.id }),
        ])
    }
  }
}
