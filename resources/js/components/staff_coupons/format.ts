/**
 * Dates and hours as the staff console shows them: 2026年11月21日 in
 * Japanese, 21 November 2026 in English; minutes as hours (60 = 1).
 */
export function formatDate(isoDate: string | null | undefined, locale: string) {
  if (!isoDate) return ''
  const date = new Date(`${isoDate.slice(0, 10)}T00:00:00Z`)
  if (Number.isNaN(date.getTime())) return isoDate
  return new Intl.DateTimeFormat(locale === 'en' ? 'en-GB' : 'ja-JP', {
    dateStyle: 'long',
    timeZone: 'UTC',
  }).format(date)
}

export function formatDateTime(iso: string, locale: string) {
  return new Intl.DateTimeFormat(locale === 'en' ? 'en-GB' : 'ja-JP', {
    dateStyle: 'long',
    timeStyle: 'short',
    timeZone: 'Asia/Tokyo',
  }).format(new Date(iso))
}

export function toHours(minutes: number) {
  return Math.round((minutes / 60) * 100) / 100
}
