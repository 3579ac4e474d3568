import { pluginRegistry } from '#plugins/index'

/*
| The program plugins the host loads at boot (plugins/index.ts): read by
| PluginProvider through the config, so that no module imports plugins/.
*/
const pluginsConfig = {
  registry: pluginRegistry,
}

export default pluginsConfig
