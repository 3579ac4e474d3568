/**
 * A calendar date (YYYY-MM-DD) as people read it: 2026年11月21日 in
 * Japanese, November 21, 2026 in English. The date is a day, not an
 * instant: formatted in UTC so no time zone shifts it.
 */
export function formatDay(iso: string | null | undefined, locale: string) {
  if (!iso) return ''
  const date = new Date(`${iso}T00:00:00Z`)
  if (Number.isNaN(date.getTime())) return iso
  return new Intl.DateTimeFormat(locale === 'ja' ? 'ja-JP' : 'en-US', {
    dateStyle: 'long',
    timeZone: 'UTC',
  }).format(date)
}
