import type { HttpRouterService } from '@adonisjs/core/types'
import type { JobLoader } from '#queue/types'

/**
 * The version of the plugin contract the core offers. A plugin states the
 * range it was written for in `requiresCore`.
 */
export const CORE_CONTRACT_VERSION = '1.0.0'

export type LocalizedText = { ja: string; en: string }

export type PluginRoutes = (router: HttpRouterService) => void

export type PluginManifest = {
  /** snake_case, equal to the plugin's folder name and registry key */
  id: string
  /** semver of the plugin itself */
  version: string
  /** semver range of CORE_CONTRACT_VERSION the plugin works with */
  requiresCore: string
  name: LocalizedText
  /**
   * Mounted at /m/:municipality/p/<id> behind sign-in, tenancy and the
   * municipality's enabling of the plugin; route names prefixed "<id>."
   */
  routes?: () => Promise<{ default: PluginRoutes }>
  /** Job names must start with "<id>:" */
  jobs?: Record<string, JobLoader>
}

/**
 * Identity function that gives plugin authors types and autocompletion.
 * The host validates the manifest at boot (plugin_manifest_validator).
 */
export function definePlugin<const Manifest extends PluginManifest>(manifest: Manifest): Manifest {
  return manifest
}
