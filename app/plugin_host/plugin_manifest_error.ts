/**
 * Thrown at boot when a plugin manifest is invalid. The message names the
 * plugin and the field so the vendor knows what to fix.
 */
export default class PluginManifestError extends Error {
  constructor(
    readonly pluginId: string,
    readonly field: string,
    readonly reason: string
  ) {
    super(`Plugin "${pluginId}": field "${field}" ${reason}`)
    this.name = 'PluginManifestError'
  }
}
