import i18nManager from '@adonisjs/i18n/services/main'
import { DEFAULT_LOCALE } from '#config/i18n'

/**
 * A plugin's rules in plain words, as translation keys
 * (`<plugin>.rules.items.*`, in the order the plugin wrote them).
 */
export function pluginRules(pluginId: string) {
  const prefix = `${pluginId}.rules.items.`
  const items = Object.keys(i18nManager.getTranslationsFor(DEFAULT_LOCALE)).filter((key) =>
    key.startsWith(prefix)
  )
  if (items.length === 0) return null
  return { title: `${pluginId}.rules.title`, items }
}
