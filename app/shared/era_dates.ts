/*
| Dates as a municipality chooses to write them in its console, exports
| and printouts: western (2026年4月1日) or the imperial era calendar (和暦:
| 令和8年4月1日, 令和元年5月1日), by Intl's Japanese calendar. Reading them is
| app/csv/japanese_dates.ts's.
*/

export const DATE_STYLES = ['western', 'japanese_era'] as const
export type DateStyle = (typeof DATE_STYLES)[number]

const ERA_DATE = new Intl.DateTimeFormat('ja-JP-u-ca-japanese', {
  era: 'long',
  year: 'numeric',
  month: 'long',
  day: 'numeric',
  timeZone: 'UTC',
})

/** A calendar day (YYYY-MM-DD) in 和暦: 2026-04-01 is 令和8年4月1日; anything else as it is */
export function eraDate(day: string) {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(day)
  if (!match) return day
  const [year, month, date] = match.slice(1).map(Number)
  return ERA_DATE.format(new Date(Date.UTC(year, month - 1, date)))
}
