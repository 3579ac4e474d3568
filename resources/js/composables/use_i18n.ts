import { computed } from 'vue'
import { router, usePage } from '@inertiajs/vue3'
import { type Formatters, IntlMessageFormat } from 'intl-messageformat'
import { type SharedI18n, catalogueAt, loadCatalogue } from '~/i18n_catalogues'
import { intlKey, keptIntl } from '~/kept_intl'

/*
| A message's formatter looks its locale up among every locale the browser
| knows (Intl.NumberFormat.supportedLocalesOf: a quarter of a second on a
| phone, the largest part of the home page's first paint) and builds its
| own number, date and plural formatters. The app's languages are the
| server's (ja, en), which every browser has: the locale is taken as
| given, and formatters are kept once.
*/
IntlMessageFormat.resolveLocale = (locales) =>
  keptIntl(intlKey('locale', locales), () => new Intl.Locale([locales].flat()[0]))
const formatters: Formatters = {
  getNumberFormat: (...args) =>
    keptIntl(intlKey('number', ...args), () => new Intl.NumberFormat(...args)),
  getDateTimeFormat: (...args) =>
    keptIntl(intlKey('date', ...args), () => new Intl.DateTimeFormat(...args)),
  getPluralRules: (...args) =>
    keptIntl(intlKey('plural', ...args), () => new Intl.PluralRules(...args)),
}

const formatterCache = new Map<string, IntlMessageFormat>()
/** What ICU gives a meaning to (arguments, quoting, tags); a message without any reads as written */
const ICU_SYNTAX = /[{}'<]/

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
    // Most messages are plain text: building a formatter for one costs more than the page's render
    if (!ICU_SYNTAX.test(message)) return message
    const cacheKey = `${locale.value}\u0000${key}`
    let formatter = formatterCache.get(cacheKey)
    if (!formatter) {
      formatter = new IntlMessageFormat(message, locale.value, undefined, { formatters })
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
