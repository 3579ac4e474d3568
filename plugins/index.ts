/*
| The plugin registry: one line per program plugin, each a lazy import of
| its manifest. The key is the plugin id and must equal its folder name.
| Adding a program is a new folder under plugins/ plus one line here.
*/
import type { PluginManifest } from '#plugin_host/define_plugin'

type PluginLoader = () => Promise<{ default: PluginManifest }>

const productionPlugins: Record<string, PluginLoader> = {
  postpartum_support: () => import('./postpartum_support/plugin.js'),
  single_parent_home_help: () => import('./single_parent_home_help/plugin.js'),
}

/*
| sample_program exists only to prove the wiring (routes, migrations, pages,
| tests) in the test suites. It is not part of the product.
*/
const testOnlyPlugins: Record<string, PluginLoader> =
  process.env.NODE_ENV === 'test'
    ? { sample_program: () => import('./sample_program/plugin.js') }
    : {}

export const pluginRegistry: Record<string, PluginLoader> = {
  ...productionPlugins,
  ...testOnlyPlugins,
}

export const pluginIds = Object.keys(pluginRegistry)
