import { Readable } from 'node:stream'
import { pipeline } from 'node:stream/promises'
import type { Client } from 'pg'
import { from as copyFrom } from 'pg-copy-streams'
import type { Database } from 'sqlite3'
import type { TransactionClientContract } from '@adonisjs/lucid/types/database'
import type { SqlCell } from '#shared/values_list'

/*
|--------------------------------------------------------------------------
| Bulk writes of the resident import
|--------------------------------------------------------------------------
| Many rows in a few statements, inside the import's transaction (issue
| 16: row by row through the ORM, 100,000 residents took 10 s on
| PostgreSQL and 4.5 s on SQLite):
| - PostgreSQL: COPY … FROM STDIN on the transaction's own connection
|   (pg-copy-streams), one stream per table;
| - SQLite: multi-row INSERTs, each under SQLite's limit of bound
|   parameters, on the transaction's own connection: knex's formatting
|   of 5,000 placeholders a statement took 0.15 s of 100,000 new
|   residents, for nothing (node-sqlite3 binds the values itself).
| A failure (a unique index, a foreign key) fails the statement, hence the
| transaction: nothing is half-applied. Triggers and indexes (the search
| index of resident_search_index.ts) see every row as they would one by
| one.
*/

/** Rows per SQLite INSERT (9 columns: 4,500 parameters, under SQLite's 32,766) */
const SQLITE_ROWS_PER_INSERT = 500
const SQLITE_MAX_PARAMETERS = 32_766
/** Rows per piece of a COPY stream */
const COPY_ROWS_PER_WRITE = 2000

/** COPY's text format: backslash, tab and line breaks escaped, NULL as \N */
const COPY_ESCAPES: Record<string, string> = { '\\': '\\\\', '\t': '\\t', '\n': '\\n', '\r': '\\r' }
const COPY_SPECIAL = /[\\\t\n\r]/g

function copyCell(value: SqlCell) {
  if (value === null) return '\\N'
  if (typeof value === 'boolean') return value ? 't' : 'f'
  const text = String(value)
  COPY_SPECIAL.lastIndex = 0
  return COPY_SPECIAL.test(text)
    ? text.replaceAll(COPY_SPECIAL, (char) => COPY_ESCAPES[char])
    : text
}

/** The connection a Lucid transaction runs on (knex lends the same one to every query of it) */
async function connectionOf<Connection extends Client | Database>(trx: TransactionClientContract) {
  return (await trx.knexClient.client.acquireConnection()) as Connection
}

/**
 * Inserts `rows` (cells in `columns` order) into `table`, calling
 * `written` with the number of rows sent after each piece.
 */
export async function insertRows(
  trx: TransactionClientContract,
  table: string,
  columns: readonly string[],
  rows: SqlCell[][],
  written: (count: number) => void
) {
  if (rows.length === 0) return
  const write = trx.dialect.name === 'postgres' ? copyRows : sqliteInsertRows
  await write(trx, table, columns, rows, written)
}

type RowsWriter = (...args: Parameters<typeof insertRows>) => Promise<void>

const sqliteInsertRows: RowsWriter = async (trx, table, columns, rows, written) => {
  const connection = await connectionOf<Database>(trx)
  const perInsert = Math.min(
    SQLITE_ROWS_PER_INSERT,
    Math.floor(SQLITE_MAX_PARAMETERS / columns.length)
  )
  const placeholders = `(${columns.map(() => '?').join(', ')})`
  for (let start = 0; start < rows.length; start += perInsert) {
    const piece = rows.slice(start, start + perInsert)
    await new Promise<void>((resolve, reject) =>
      connection.run(
        `INSERT INTO ${table} (${columns.join(', ')}) VALUES ${piece.map(() => placeholders).join(', ')}`,
        piece.flat(),
        (error: Error | null) => (error ? reject(error) : resolve())
      )
    )
    written(piece.length)
  }
}

const copyRows: RowsWriter = async (trx, table, columns, rows, written) => {
  function* pieces() {
    for (let start = 0; start < rows.length; start += COPY_ROWS_PER_WRITE) {
      const piece = rows.slice(start, start + COPY_ROWS_PER_WRITE)
      yield piece.map((row) => `${row.map(copyCell).join('\t')}\n`).join('')
      written(piece.length)
    }
  }
  const connection = await connectionOf<Client>(trx)
  const copy = connection.query(copyFrom(`COPY ${table} (${columns.join(', ')}) FROM STDIN`))
  await pipeline(Readable.from(pieces()), copy)
}

/**
 * Takes `count` new ids of `table` before its rows are written, so that
 * rows referring to them (children of new residents) are written in bulk
 * too, without reading the ids back. PostgreSQL draws them from the
 * table's sequence. SQLite continues after the highest id it ever gave
 * (AUTOINCREMENT's sqlite_sequence), which is safe because the caller's
 * transaction already holds SQLite's only write lock.
 */
export async function reserveIds(trx: TransactionClientContract, table: string, count: number) {
  if (count === 0) return []
  if (trx.dialect.name === 'postgres') {
    // The sequence's name looked up once, not once a row
    const result = await trx.rawQuery(
      `WITH sequence AS MATERIALIZED (SELECT CAST(pg_get_serial_sequence(?, 'id') AS regclass) AS name)
       SELECT nextval(sequence.name) AS id FROM sequence, generate_series(1, ?)`,
      [table, count]
    )
    return (result.rows as { id: string }[]).map((row) => Number(row.id))
  }
  const [last] = await trx.rawQuery(
    `SELECT MAX(
       COALESCE((SELECT seq FROM sqlite_sequence WHERE name = ?), 0),
       COALESCE((SELECT MAX(id) FROM ${table}), 0)
     ) AS id`,
    [table]
  )
  const first = Number(last.id) + 1
  return Array.from({ length: count }, (_, index) => first + index)
}
