/*
| Route parameter matchers shared by every route file (core and plugins).
*/

/** The largest id a database row can have (PostgreSQL `integer`, `serial`) */
export const MAX_ID = 2_147_483_647

/**
 * A regular expression for the decimal numbers 1..limit, no leading zeros:
 * the shorter numbers, then for each digit of the limit the numbers that
 * share its prefix and are smaller there, then the limit itself.
 */
function decimalUpTo(limit: number) {
  const digits = String(limit)
  const parts = [`[1-9]\\d{0,${digits.length - 2}}`]
  for (let index = 0; index < digits.length; index++) {
    const low = index === 0 ? 1 : 0
    const high = Number(digits[index]) - 1
    if (high < low) continue
    parts.push(`${digits.slice(0, index)}[${low}-${high}]\\d{${digits.length - index - 1}}`)
  }
  parts.push(digits)
  return new RegExp(`^(?:${parts.join('|')})$`)
}

/**
 * Every id in a URL: 1..2147483647, cast to a number. Anything else (0,
 * leading zeros, ids the database could never hold) matches no route and
 * answers 404 instead of reaching a query the database would refuse.
 */
export const idMatcher = {
  match: decimalUpTo(MAX_ID),
  cast: (value: string) => Number(value),
}
