import { computed } from 'vue'
import { usePage } from '@inertiajs/vue3'
import { IntlMessageFormat } from 'intl-messageformat'

type SharedI18n = { locale: string; locales: string[] }

const formatterCache = new Map<string, IntlMessageFormat>()

/**
 * Translates with the same ICU messages the server uses (resources/lang and
 * each plugin's lang folder), delivered once per language and kept by the
 * client across visits (an Inertia once prop). A missing key shows
 * the key itself, so a gap is visible rather than silent.
 */
export function useI18n() {
  const page = usePage<{ i18n: SharedI18n; translations: Record<string, string> }>()
  const locale = computed(() => page.props.i18n.locale)

  function t(key: string, values?: Record<string, unknown>): string {
    const message = page.props.translations[key]
    if (message === undefined) return key
    const cacheKey = `${locale.value}\u0000${key}`
    let formatter = formatterCache.get(cacheKey)
    if (!formatter) {
      formatter = new IntlMessageFormat(message, locale.value)
      formatterCache.set(cacheKey, formatter)
    }
    return String(formatter.format(values as Record<string, string>))
  }

  return { t, locale, locales: computed(() => page.props.i18n.locales) }
}
