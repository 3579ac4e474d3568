import { usePage } from '@inertiajs/vue3'
import { useI18n } from '~/composables/use_i18n'
import { keptIntl } from '~/kept_intl'

/** Minutes as hours, to two decimals at most (90 = 1.5) */
export function toHours(minutes: number) {
  return Math.round((minutes / 60) * 100) / 100
}

const CALENDAR_DAY = /^(\d{4})-(\d{2})-(\d{2})/
/** An instant: a date, a time and a zone (Z or ±hh:mm) */
const INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})$/
const JAPAN_TIME_ZONE = 'Asia/Tokyo'
/** Japan keeps no summer time: its day starts 9 hours before UTC's, all year */
const JAPAN_OFFSET_MS = 9 * 60 * 60 * 1000

/** Today in Japan (YYYY-MM-DD), whatever the phone's zone */
export function todayInJapan() {
  return new Date(Date.now() + JAPAN_OFFSET_MS).toISOString().slice(0, 10)
}

/** The day in Japan of an instant (2026-11-30T23:30:00Z is 2026-12-01), or a day as is */
function japaneseDay(iso: string) {
  if (!INSTANT.test(iso)) return iso
  const time = Date.parse(iso)
  if (Number.isNaN(time)) return iso
  return new Date(time + JAPAN_OFFSET_MS).toISOString().slice(0, 10)
}
const ENGLISH_MONTHS = [
  'January',
  'February',
  'March',
  'April',
  'May',
  'June',
  'July',
  'August',
  'September',
  'October',
  'November',
  'December',
]

/**
 * A number as both languages group it (ja-JP and en-GB: 1,234.5; below
 * 10^21), written
 * out for the reason `day` is: no Intl formatter to build on first paint.
 */
export function groupedDigits(value: number) {
  if (!Number.isFinite(value)) return String(value)
  // At most three decimals, as Intl's default
  const [whole, fraction] = String(Math.round(Math.abs(value) * 1000) / 1000).split('.')
  const grouped = whole.replaceAll(/\B(?=(\d{3})+(?!\d))/g, ',')
  return `${value < 0 ? '-' : ''}${grouped}${fraction ? `.${fraction}` : ''}`
}

/**
 * Dates, months, numbers and hours as the staff console shows them, in the
 * page's language: 2026年11月21日 in Japanese, 21 November 2026 in English
 * (the same as the server's CSV job times).
 */
export function useFormats() {
  const { t, locale } = useI18n()
  const page = usePage<{
    tenant?: { dateStyle?: string; roles?: string[] } | null
  }>()
  const intlLocale = () => (locale.value === 'en' ? 'en-GB' : 'ja-JP')
  /** Staff of a municipality that writes dates in 和暦 read them so in Japanese */
  const inEra = () =>
    locale.value !== 'en' &&
    page.props.tenant?.dateStyle === 'japanese_era' &&
    (page.props.tenant.roles ?? []).some((role) => role.startsWith('municipal_'))

  /**
   * A calendar day (YYYY-MM-DD), as Intl's long date style writes it in
   * both languages. A day is shown as is; an instant (a recorded time) as
   * its day in Japan, whatever the zone of the server or the phone.
   * Written out here because a phone takes
   * a quarter of a second to build its first Intl date formatter, and
   * resident pages show days before anything else.
   */
  function day(iso: string | null | undefined) {
    if (!iso) return ''
    const match = CALENDAR_DAY.exec(japaneseDay(iso))
    if (!match) return iso
    const [year, monthNumber, date] = match.slice(1).map(Number)
    if (monthNumber < 1 || monthNumber > 12 || date < 1 || date > 31) return iso
    if (inEra()) {
      return keptIntl(
        'era day',
        () =>
          new Intl.DateTimeFormat('ja-JP-u-ca-japanese', {
            era: 'long',
            year: 'numeric',
            month: 'long',
            day: 'numeric',
            timeZone: 'UTC',
          })
      ).format(new Date(Date.UTC(year, monthNumber - 1, date)))
    }
    return locale.value === 'en'
      ? `${date} ${ENGLISH_MONTHS[monthNumber - 1]} ${year}`
      : `${year}年${monthNumber}月${date}日`
  }

  /** An instant, in Japan time: 2026年11月21日 10:05 */
  function dateTime(iso: string) {
    const language = intlLocale()
    return keptIntl(
      `dateTime ${language}`,
      () =>
        new Intl.DateTimeFormat(language, {
          dateStyle: 'long',
          timeStyle: 'short',
          timeZone: JAPAN_TIME_ZONE,
        })
    ).format(new Date(iso))
  }

  /** A month (YYYY-MM): 2026年11月, November 2026 */
  function month(yearMonth: string) {
    const [year, monthNumber] = yearMonth.split('-').map(Number)
    const language = intlLocale()
    return keptIntl(
      `month ${language}`,
      () => new Intl.DateTimeFormat(language, { year: 'numeric', month: 'long', timeZone: 'UTC' })
    ).format(new Date(Date.UTC(year, monthNumber - 1, 1)))
  }

  /** A count with the language's digit grouping: 1,234 */
  function number(value: number) {
    return groupedDigits(value)
  }

  /** Minutes as "2 時間" / "2 hours" */
  function hours(minutes: number) {
    return t('staff_coupons.hours', { hours: toHours(minutes) })
  }

  /** Names in a list: 家事、育児 / housework and childcare */
  function list(items: string[]) {
    const language = intlLocale()
    return keptIntl(
      `list ${language}`,
      () => new Intl.ListFormat(language, { type: 'conjunction' })
    ).format(items)
  }

  return { day, dateTime, month, number, hours, list }
}
