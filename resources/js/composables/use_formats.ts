import { useI18n } from '~/composables/use_i18n'

/** Minutes as hours, to two decimals at most (90 = 1.5) */
export function toHours(minutes: number) {
  return Math.round((minutes / 60) * 100) / 100
}

/**
 * Dates, months, numbers and hours as the staff console shows them, in the
 * page's language: 2026年11月21日 in Japanese, 21 November 2026 in English
 * (the same as the server's CSV job times).
 */
export function useFormats() {
  const { t, locale } = useI18n()
  const intlLocale = () => (locale.value === 'en' ? 'en-GB' : 'ja-JP')

  /**
   * A calendar day (YYYY-MM-DD, or the start of a longer ISO string). A
   * day, not an instant: formatted in UTC so no time zone shifts it.
   */
  function day(iso: string | null | undefined) {
    if (!iso) return ''
    const date = new Date(`${iso.slice(0, 10)}T00:00:00Z`)
    if (Number.isNaN(date.getTime())) return iso
    return new Intl.DateTimeFormat(intlLocale(), { dateStyle: 'long', timeZone: 'UTC' }).format(
      date
    )
  }

  /** An instant, in Japan time: 2026年11月21日 10:05 */
  function dateTime(iso: string) {
    return new Intl.DateTimeFormat(intlLocale(), {
      dateStyle: 'long',
      timeStyle: 'short',
      timeZone: 'Asia/Tokyo',
    }).format(new Date(iso))
  }

  /** A month (YYYY-MM): 2026年11月, November 2026 */
  function month(yearMonth: string) {
    const [year, monthNumber] = yearMonth.split('-').map(Number)
    return new Intl.DateTimeFormat(intlLocale(), {
      year: 'numeric',
      month: 'long',
      timeZone: 'UTC',
    }).format(new Date(Date.UTC(year, monthNumber - 1, 1)))
  }

  /** A count with the language's digit grouping: 1,234 */
  function number(value: number) {
    return new Intl.NumberFormat(intlLocale()).format(value)
  }

  /** Minutes as "2 時間" / "2 hours" */
  function hours(minutes: number) {
    return t('staff_coupons.hours', { hours: toHours(minutes) })
  }

  /** Names in a list: 家事、育児 / housework and childcare */
  function list(items: string[]) {
    return new Intl.ListFormat(intlLocale(), { type: 'conjunction' }).format(items)
  }

  return { day, dateTime, month, number, hours, list }
}
