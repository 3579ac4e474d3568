import { readdir } from 'node:fs/promises'

export type PluginFolderMismatches = {
  /** Folders under plugins/ with no registry key: their code never loads */
  unwiredFolders: string[]
  /** Registry keys with no folder of that name: the import would fail at boot */
  keysWithoutFolder: string[]
}

/**
 * Compares the folders under `pluginsDirectory` with the keys of the
 * registry (plugins/index.ts). A plugin is wired only when both agree, so
 * a folder someone forgot to register shows up here instead of silently
 * never loading.
 */
export async function pluginFolderMismatches(
  pluginsDirectory: string,
  registryKeys: readonly string[]
): Promise<PluginFolderMismatches> {
  const entries = await readdir(pluginsDirectory, { withFileTypes: true })
  const folders = entries
    .filter((entry) => entry.isDirectory() && !entry.name.startsWith('.'))
    .map((entry) => entry.name)

  return {
    unwiredFolders: folders.filter((folder) => !registryKeys.includes(folder)).sort(),
    keysWithoutFolder: registryKeys.filter((key) => !folders.includes(key)).sort(),
  }
}
