import app from '@adonisjs/core/services/app'
import { defineConfig, formatters, loaders } from '@adonisjs/i18n'
import { pluginIds } from '#plugins/index'

/*
| Japanese first, English switchable. Core strings live in resources/lang,
| each plugin's in plugins/<id>/lang, under the plugin id as a namespace.
*/
export const SUPPORTED_LOCALES = ['ja', 'en'] as const
export type SupportedLocale = (typeof SUPPORTED_LOCALES)[number]
export const DEFAULT_LOCALE: SupportedLocale = 'ja'

const i18nConfig = defineConfig({
  defaultLocale: DEFAULT_LOCALE,
  supportedLocales: [...SUPPORTED_LOCALES],
  fallbackLocales: { en: 'ja' },
  formatter: formatters.icu(),
  loaders: [
    loaders.fs({ location: app.languageFilesPath() }),
    ...pluginIds.map((id) => loaders.fs({ location: app.makePath('plugins', id, 'lang') })),
  ],
})

export default i18nConfig
