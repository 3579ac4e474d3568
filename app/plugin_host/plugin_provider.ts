import type { ApplicationService } from '@adonisjs/core/types'
import PluginHost, { type PluginRegistry } from '#plugin_host/plugin_host'

declare module '@adonisjs/core/types' {
  interface ContainerBindings {
    plugins: PluginHost
  }
}

/**
 * Validates every plugin manifest at boot (a bad one stops the process with
 * a message naming the plugin and the field), then wires plugin jobs and
 * routes into the core.
 */
export default class PluginProvider {
  constructor(protected app: ApplicationService) {}

  register() {
    this.app.container.singleton('plugins', () => new PluginHost())
  }

  async boot() {
    const host = await this.app.container.make('plugins')
    await host.load(this.app.config.get<PluginRegistry>('plugins.registry'))
    host.registerJobs(await this.app.container.make('queue'))
  }

  async start() {
    const host = await this.app.container.make('plugins')
    await host.registerRoutes(await this.app.container.make('router'))
  }
}
