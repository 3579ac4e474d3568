import type { I18n } from '@adonisjs/i18n'

/**
 * A calendar date (YYYY-MM-DD) in the reader's style: 2026年12月1日,
 * 1 December 2026. The date is a day, not an instant: no time zone moves it.
 */
export function formatCalendarDate(i18n: I18n, date: string) {
  return i18n.formatDate(new Date(`${date}T00:00:00Z`), { dateStyle: 'long', timeZone: 'UTC' })
}
