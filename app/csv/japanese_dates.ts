/*
| Dates as Japanese offices write them: 2025-04-01, 2025/4/1, 2025年4月1日,
| and in the imperial era calendar (和暦): 令和7年4月1日, R7.4.1, R7/4/1,
| 平成31年4月30日, 令和元年5月1日. Full-width digits and signs are accepted
| (NFKC also expands the one-character era signs ㋿ ㍻ ㍼).
*/

export type DateRefusal = 'format' | 'impossible' | 'outside_era'

export type ParsedDate = { ok: true; date: string } | { ok: false; reason: DateRefusal }

type Era = { first: string; last: string | null }

/** Each era's first and last day; an era year counts from its first year (元年) */
const ERAS: Record<string, Era> = {
  reiwa: { first: '2019-05-01', last: null },
  heisei: { first: '1989-01-08', last: '2019-04-30' },
  showa: { first: '1926-12-25', last: '1989-01-07' },
}

const ERA_NAMES: Record<string, keyof typeof ERAS> = {
  令和: 'reiwa',
  r: 'reiwa',
  平成: 'heisei',
  h: 'heisei',
  昭和: 'showa',
  s: 'showa',
}

/** Characters that NFKC, the space and the dash rewrites below all leave as they are */
const NORMALIZED = /^[0-9A-Za-z./\-令和平成昭元年月日]+$/
const GREGORIAN = /^(\d{4})(?:([-/.])(\d{1,2})\2(\d{1,2})|年(\d{1,2})月(\d{1,2})日)$/
const IMPERIAL =
  /^(令和|平成|昭和|[rhs])(\d{1,2}|元)(?:([-/.])(\d{1,2})\3(\d{1,2})|年(\d{1,2})月(\d{1,2})日)$/

/**
 * Reads a date in any of the forms above and returns it as YYYY-MM-DD, or
 * why it cannot: not a date form we know, a day the calendar does not have
 * (2月30日), or an era date outside its era (令和1年4月30日 was still 平成).
 */
export function parseJapaneseDate(input: string): ParsedDate {
  // Already in that form (most dates of a file): nothing to rewrite
  const rewritten = NORMALIZED.test(input)
    ? input
    : input
        .normalize('NFKC')
        .replaceAll(/\s+/g, '')
        // An IME's dashes and the long vowel mark typed for a hyphen
        .replaceAll(/[\u2010-\u2015\u2212\u30FC]/g, '-')
  const text = rewritten.toLowerCase()

  const gregorian = GREGORIAN.exec(text)
  if (gregorian) {
    const [, year, , month = gregorian[5], day = gregorian[6]] = gregorian
    return calendarDate(Number(year), Number(month), Number(day))
  }

  const imperial = IMPERIAL.exec(text)
  if (imperial) {
    const [, name, eraYear, , month = imperial[6], day = imperial[7]] = imperial
    const era = ERAS[ERA_NAMES[name]]
    const yearInEra = eraYear === '元' ? 1 : Number(eraYear)
    if (yearInEra < 1) return { ok: false, reason: 'outside_era' }
    const parsed = calendarDate(
      Number(era.first.slice(0, 4)) + yearInEra - 1,
      Number(month),
      Number(day)
    )
    if (!parsed.ok) return parsed
    // ISO dates compare as strings
    if (parsed.date < era.first || (era.last && parsed.date > era.last)) {
      return { ok: false, reason: 'outside_era' }
    }
    return parsed
  }

  return { ok: false, reason: 'format' }
}

function calendarDate(year: number, month: number, day: number): ParsedDate {
  const date = new Date(Date.UTC(year, month - 1, day))
  // Date.UTC rolls 2月30日 over into March: a real day round-trips unchanged.
  const real =
    year >= 1000 &&
    date.getUTCFullYear() === year &&
    date.getUTCMonth() === month - 1 &&
    date.getUTCDate() === day
  if (!real) return { ok: false, reason: 'impossible' }
  const pad = (value: number) => String(value).padStart(2, '0')
  return { ok: true, date: `${year}-${pad(month)}-${pad(day)}` }
}
