/** A value written into a multi-row INSERT */
export type SqlCell = string | number | boolean | null

/**
 * Rows as the list after VALUES with its bindings: `(?, ?), (?, NULL)`.
 * NULL is written out, not bound: Lucid binds values only.
 */
export function valuesList(rows: SqlCell[][]) {
  const bindings: (string | number | boolean)[] = []
  const sql = rows
    .map((row) => {
      const cells = row.map((cell) => {
        if (cell === null) return 'NULL'
        bindings.push(cell)
        return '?'
      })
      return `(${cells.join(', ')})`
    })
    .join(', ')
  return { sql, bindings }
}
