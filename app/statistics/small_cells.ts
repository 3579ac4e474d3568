/**
 * Small-cell suppression for statistics anyone may be shown (DESIGN.md):
 * a count of 1 to 7 people is shown as "*", and so is every other figure of
 * the same row (hours, visits), which would otherwise let a reader work out
 * what one identifiable person did. Zero stays 0: it says nothing about a
 * person.
 */
export const SUPPRESSED = '*'
export const SMALL_CELL_MAX = 7

export type Cell = number | typeof SUPPRESSED

export function isSmallCount(people: number) {
  return people >= 1 && people <= SMALL_CELL_MAX
}

/** One count of people as shown */
export function suppressCount(people: number): Cell {
  return isSmallCount(people) ? SUPPRESSED : people
}

/**
 * A row whose figures describe `people`: all of them suppressed when the
 * count of people is small, all shown otherwise.
 */
export function suppressRow<Figures extends Record<string, number>>(
  people: number,
  figures: Figures,
  hidden = isSmallCount(people)
): { people: Cell } & { [Key in keyof Figures]: Cell } {
  const shown = Object.fromEntries(
    Object.entries(figures).map(([key, value]) => [key, hidden ? SUPPRESSED : value])
  )
  return { people: hidden ? SUPPRESSED : people, ...shown } as { people: Cell } & {
    [Key in keyof Figures]: Cell
  }
}

/**
 * Which rows of a table to hide, given each row's count of people. The
 * rows add up to a total shown beside them, so a single hidden row could
 * be worked out as the total minus the others: then the smallest other row
 * with people is hidden too (complementary suppression).
 */
export function hiddenRows(people: number[]): boolean[] {
  const hidden = people.map(isSmallCount)
  if (hidden.filter(Boolean).length !== 1) return hidden
  const complement = people
    .map((count, index) => ({ count, index }))
    .filter(({ count, index }) => count > 0 && !hidden[index])
    .sort((a, b) => a.count - b.count)[0]
  if (complement) hidden[complement.index] = true
  return hidden
}
