/**
 * A unique index refused the row (SQLite and PostgreSQL say it
 * differently): of two requests racing for the same slot, the second gets
 * the same answer as if it had come later.
 */
export function isUniqueViolation(error: unknown) {
  const { code, message } = error as { code?: string; message?: string }
  return (
    code === '23505' ||
    code === 'SQLITE_CONSTRAINT_UNIQUE' ||
    (code === 'SQLITE_CONSTRAINT' && /UNIQUE/i.test(message ?? ''))
  )
}
