import { computed } from 'vue'
import { router, usePage } from '@inertiajs/vue3'
import { IntlMessageFormat } from 'intl-messageformat'
import { type SharedI18n, catalogueAt, loadCatalogue } from '~/i18n_catalogues'

const formatterCache = new Map<string, IntlMessageFormat>()

/**
 * Translates with the same ICU messages the server uses (resources/lang and
 * each plugin's lang folder), fetched once per language as a file the
 * browser keeps (i18n_catalogues.ts). A missing key shows the key itself,
 * so a gap is visible rather than silent.
 */
export function useI18n() {
  const page = usePage<{ i18n: SharedI18n }>()
  const locale = computed(() => page.props.i18n.locale)
  const messages = computed(() => catalogueAt(page.props.i18n.catalogues[locale.value]))

  function t(key: string, values?: Record<string, unknown>): string {
    const message = messages.value[key]
    if (message === undefined) return key
    const cacheKey = `${locale.value}\u0000${key}`
    let formatter = formatterCache.get(cacheKey)
    if (!formatter) {
      formatter = new IntlMessageFormat(message, locale.value)
      formatterCache.set(cacheKey, formatter)
    }
    return String(formatter.format(values as Record<string, string>))
  }

  /** Switches the language (PUT /locale, kept on the account) once its messages are here */
  async function switchLocale(next: string) {
    if (next === locale.value) return
    await loadCatalogue(page.props.i18n.catalogues[next])
    router.put('/locale', { locale: next }, { preserveScroll: true })
  }

  return {
    t,
    switchLocale,
    locale,
    locales: computed(() => page.props.i18n.locales),
  }
}
