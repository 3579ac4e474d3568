/**
 * Thrown when `make:plugin` refuses an id (malformed, reserved, or taken)
 * or cannot find where to register the plugin. Nothing has been written
 * when it is thrown.
 */
export default class PluginScaffoldError extends Error {
  constructor(message: string) {
    super(message)
    this.name = 'PluginScaffoldError'
  }
}
