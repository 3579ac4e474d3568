import { test } from '@japa/runner'
import { readdir, readFile } from 'node:fs/promises'
import { join } from 'node:path'
import app from '@adonisjs/core/services/app'
import i18nManager from '@adonisjs/i18n/services/main'
import { pluginIds } from '#plugins/index'
import { SUPPORTED_LOCALES } from '#config/i18n'
import ClientMessages from '#http/client_messages'

/** Every file of the front end (pages, components, composables) */
async function frontEndFiles(directory: string): Promise<string[]> {
  const entries = await readdir(directory, { withFileTypes: true })
  const files = await Promise.all(
    entries.map((entry) => {
      const path = join(directory, entry.name)
      if (entry.isDirectory()) return frontEndFiles(path)
      return /\.(vue|ts)$/.test(entry.name) ? [path] : []
    })
  )
  return files.flat()
}

/** The message keys the pages name literally: t('namespace.key', …) */
async function keysThePagesUse() {
  const keys = new Map<string, string>()
  for (const file of await frontEndFiles(app.makePath('resources/js'))) {
    const source = await readFile(file, 'utf8')
    for (const match of source.matchAll(/\bt\(\s*'([a-z_]+(?:\.[a-z0-9_]+)+)'/g)) {
      keys.set(match[1], app.relativePath(file))
    }
  }
  return keys
}

test.group('Messages delivered to the pages', () => {
  test('every message a page names is sent to the browser in {$self}')
    .with([...SUPPORTED_LOCALES])
    .run(async ({ assert }, locale) => {
      await i18nManager.loadTranslations()
      const delivered = ClientMessages.for(locale, pluginIds)
      const used = await keysThePagesUse()
      assert.isAbove(used.size, 100)
      const missing = [...used]
        .filter(([key]) => !(key in delivered))
        .map(([key, file]) => `${key} (${file})`)
      assert.deepEqual(missing, [])
    })
})
