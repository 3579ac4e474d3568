/*
| The anchor of the CSV import bench: the same rows, already checked and
| normalized, loaded into a bare table (the file's nine columns, no index,
| no trigger, no constraint) in one transaction on the app's own
| connection and driver. What the import adds to that (reading and
| checking the file, indexes, the search index, ids, children, the audit
| event) is what the ratio shows.
| - PostgreSQL: COPY … FROM STDIN (pg-copy-streams) into an UNLOGGED table;
| - SQLite: one prepared INSERT run per row (what Python's executemany
|   does), and multi-row INSERTs of 500 rows; the faster of the two is the
|   anchor (node-sqlite3 pays a thread hop per run, so the prepared loop
|   is the slower one).
*/
import { Readable } from 'node:stream'
import { pipeline } from 'node:stream/promises'
import { performance } from 'node:perf_hooks'
import type { Client } from 'pg'
import { from as copyFrom } from 'pg-copy-streams'
import type { Database } from 'sqlite3'
import db from '@adonisjs/lucid/services/db'

/** A checked row as the import stores it: resident, then its child's dates */
export type BareRow = [
  residentNumber: string,
  familyName: string,
  givenName: string,
  familyNameKana: string,
  givenNameKana: string,
  phone: string | null,
  dueDate: string | null,
  birthDate: string | null,
  multipleBirth: boolean | null,
]

const TABLE = 'bench_bare_residents'
const COLUMNS =
  'resident_number, family_name, given_name, family_name_kana, given_name_kana, phone, ' +
  'due_date, birth_date, multiple_birth'

export type AnchorRun = { label: string; seconds: number }

async function withConnection<T>(work: (connection: unknown) => Promise<T>) {
  const knex = db.connection().getWriteClient()
  const connection = await knex.client.acquireConnection()
  try {
    return await work(connection)
  } finally {
    await knex.client.releaseConnection(connection)
  }
}

async function timed(label: string, work: () => Promise<void>): Promise<AnchorRun> {
  const started = performance.now()
  await work()
  return { label, seconds: (performance.now() - started) / 1000 }
}

/** COPY's text format */
function copyLine(row: BareRow) {
  return `${row.map((cell) => (cell === null ? '\\N' : cell === true ? 't' : cell === false ? 'f' : cell)).join('\t')}\n`
}

async function postgresAnchor(rows: BareRow[]) {
  return withConnection(async (raw) => {
    const client = raw as Client
    await client.query(`DROP TABLE IF EXISTS ${TABLE}`)
    await client.query(
      `CREATE UNLOGGED TABLE ${TABLE} (resident_number varchar(32), family_name varchar(60),
         given_name varchar(60), family_name_kana varchar(60), given_name_kana varchar(60),
         phone varchar(32), due_date varchar(10), birth_date varchar(10), multiple_birth boolean)`
    )
    try {
      const run = await timed('COPY FROM STDIN', async () => {
        await client.query('BEGIN')
        function* pieces() {
          for (let start = 0; start < rows.length; start += 2000) {
            yield rows
              .slice(start, start + 2000)
              .map(copyLine)
              .join('')
          }
        }
        await pipeline(
          Readable.from(pieces()),
          client.query(copyFrom(`COPY ${TABLE} (${COLUMNS}) FROM STDIN`))
        )
        await client.query('COMMIT')
      })
      return [run]
    } finally {
      await client.query(`DROP TABLE IF EXISTS ${TABLE}`)
    }
  })
}

export function sqliteRun(connection: Database, sql: string, bindings: unknown[] = []) {
  return new Promise<void>((resolve, reject) =>
    connection.run(sql, bindings, (error: Error | null) => (error ? reject(error) : resolve()))
  )
}

async function sqliteAnchor(rows: BareRow[], withPreparedLoop: boolean) {
  return withConnection(async (raw) => {
    const connection = raw as Database
    const create = async () => {
      await sqliteRun(connection, `DROP TABLE IF EXISTS ${TABLE}`)
      await sqliteRun(connection, `CREATE TABLE ${TABLE} (${COLUMNS})`)
    }
    const preparedLoop = () =>
      timed('prepared INSERT per row', async () => {
        await sqliteRun(connection, 'BEGIN')
        const statement = connection.prepare(
          `INSERT INTO ${TABLE} VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`
        )
        for (const row of rows) {
          await new Promise<void>((resolve, reject) =>
            statement.run(row, (error: Error | null) => (error ? reject(error) : resolve()))
          )
        }
        await new Promise<void>((resolve) => statement.finalize(() => resolve()))
        await sqliteRun(connection, 'COMMIT')
      })
    try {
      await create()
      const prepared = withPreparedLoop ? [await preparedLoop()] : []
      await create()
      const multiRow = await timed('multi-row INSERT (500 rows)', async () => {
        await sqliteRun(connection, 'BEGIN')
        const placeholders = '(?, ?, ?, ?, ?, ?, ?, ?, ?)'
        for (let start = 0; start < rows.length; start += 500) {
          const piece = rows.slice(start, start + 500)
          await sqliteRun(
            connection,
            `INSERT INTO ${TABLE} VALUES ${piece.map(() => placeholders).join(', ')}`,
            piece.flat()
          )
        }
        await sqliteRun(connection, 'COMMIT')
      })
      return [...prepared, multiRow]
    } finally {
      await sqliteRun(connection, `DROP TABLE IF EXISTS ${TABLE}`)
    }
  })
}

/** One anchor run: each way of loading, timed (SQLite's prepared loop only when asked) */
export function bareLoad(rows: BareRow[], withPreparedLoop: boolean): Promise<AnchorRun[]> {
  return db.connection().dialect.name === 'postgres'
    ? postgresAnchor(rows)
    : sqliteAnchor(rows, withPreparedLoop)
}
