/**
 * Rows changed by an UPDATE or DELETE, whichever shape the driver returns
 * (a number on PostgreSQL and SQLite, a one-element array on some paths).
 */
export function affectedRows(result: unknown) {
  return Number(Array.isArray(result) ? result[0] : result)
}
