/*
| The floor of the CSV import bench: the same checked rows written straight
| into the real residents and children tables (their indexes, foreign keys
| and the search index of app/residents/resident_search_index.ts), the
| fastest way each database takes them, inside a transaction rolled back.
| No reading, checking, comparing or audit: what no import code can go
| below on this schema. Its ratio to the anchor (a bare table) is the most
| the import's ratio can be.
| - PostgreSQL: ids drawn from the sequence, then COPY … FROM STDIN into
|   each table;
| - SQLite: multi-row INSERTs of 500 rows (as the anchor), the search
|   index filled in one statement (as the import does), then children.
*/
import { Readable } from 'node:stream'
import { pipeline } from 'node:stream/promises'
import { performance } from 'node:perf_hooks'
import type { Client } from 'pg'
import { from as copyFrom } from 'pg-copy-streams'
import type { Database } from 'sqlite3'
import db from '@adonisjs/lucid/services/db'
import {
  SQLITE_SEARCH_INSERT_TRIGGER,
  SQLITE_SEARCH_INSERT_TRIGGER_SQL,
  sqliteSearchFill,
} from '#residents/resident_search_index'
import { type BareRow, sqliteRun } from './csv_import_anchor.js'

const RESIDENT_COLUMNS =
  'id, municipality_id, resident_number, family_name, given_name, family_name_kana, ' +
  'given_name_kana, phone, created_at, updated_at'
const CHILD_COLUMNS =
  'municipality_id, resident_id, due_date, birth_date, multiple_birth, created_at, updated_at'

type Cell = string | number | boolean | null

/** Each resident's row and, when it has one, its child's, ids given */
function tableRows(rows: BareRow[], municipalityId: number, firstId: number, now: string) {
  const residents: Cell[][] = []
  const children: Cell[][] = []
  for (const [index, row] of rows.entries()) {
    const [residentNumber, family, given, familyKana, givenKana, phone, due, birth, multiple] = row
    const id = firstId + index
    residents.push([
      ...[id, municipalityId, residentNumber, family, given, familyKana, givenKana, phone],
      ...[now, now],
    ])
    if (due || birth) children.push([municipalityId, id, due, birth, multiple ?? false, now, now])
  }
  return { residents, children }
}

/** COPY's text format (the bench's names hold no tab, backslash or line break) */
function copyText(rows: Cell[][]) {
  return rows
    .map((row) => row.map((cell) => (cell === null ? '\\N' : String(cell))).join('\t') + '\n')
    .join('')
}

async function postgresFloor(client: Client, rows: BareRow[], municipalityId: number) {
  const now = new Date().toISOString()
  await client.query('BEGIN')
  try {
    const started = performance.now()
    const ids = await client.query(
      "SELECT nextval('residents_id_seq') AS id FROM generate_series(1, $1)",
      [rows.length]
    )
    // The sequence is drawn in order within one statement
    const { residents, children } = tableRows(rows, municipalityId, Number(ids.rows[0].id), now)
    for (const [table, columns, cells] of [
      ['residents', RESIDENT_COLUMNS, residents],
      ['children', CHILD_COLUMNS, children],
    ] as const) {
      await pipeline(
        Readable.from([copyText(cells)]),
        client.query(copyFrom(`COPY ${table} (${columns}) FROM STDIN`))
      )
    }
    return (performance.now() - started) / 1000
  } finally {
    await client.query('ROLLBACK')
  }
}

function sqliteGet(connection: Database, sql: string) {
  return new Promise<Record<string, unknown>>((resolve, reject) =>
    connection.get(sql, (error: Error | null, row: Record<string, unknown>) =>
      error ? reject(error) : resolve(row)
    )
  )
}

async function sqliteInsert(connection: Database, table: string, columns: string, rows: Cell[][]) {
  const placeholders = `(${columns.split(',').map(() => '?')})`
  for (let start = 0; start < rows.length; start += 500) {
    const piece = rows.slice(start, start + 500)
    await sqliteRun(
      connection,
      `INSERT INTO ${table} (${columns}) VALUES ${piece.map(() => placeholders).join(', ')}`,
      piece.flat()
    )
  }
}

async function sqliteFloor(connection: Database, rows: BareRow[], municipalityId: number) {
  const now = new Date().toISOString().replace('T', ' ').slice(0, 19)
  await sqliteRun(connection, 'BEGIN')
  try {
    const started = performance.now()
    const last = await sqliteGet(connection, 'SELECT COALESCE(MAX(id), 0) AS id FROM residents')
    const firstId = Number(last.id) + 1
    const { residents, children } = tableRows(rows, municipalityId, firstId, now)
    await sqliteRun(connection, `DROP TRIGGER ${SQLITE_SEARCH_INSERT_TRIGGER}`)
    await sqliteInsert(connection, 'residents', RESIDENT_COLUMNS, residents)
    await sqliteRun(connection, sqliteSearchFill('id >= ?'), [firstId])
    await sqliteRun(connection, SQLITE_SEARCH_INSERT_TRIGGER_SQL)
    await sqliteInsert(connection, 'children', CHILD_COLUMNS, children)
    return (performance.now() - started) / 1000
  } finally {
    await sqliteRun(connection, 'ROLLBACK')
  }
}

/**
 * Seconds to write `rows` into the real tables for the municipality,
 * nothing kept. PostgreSQL is vacuumed first: the rows the bench's
 * updates and earlier runs left dead would slow every index.
 */
export async function schemaFloor(rows: BareRow[], municipalityId: number) {
  const postgres = db.connection().dialect.name === 'postgres'
  if (postgres) await db.rawQuery('VACUUM residents, children')
  const knex = db.connection().getWriteClient()
  const connection = await knex.client.acquireConnection()
  try {
    return postgres
      ? await postgresFloor(connection as Client, rows, municipalityId)
      : await sqliteFloor(connection as Database, rows, municipalityId)
  } finally {
    await knex.client.releaseConnection(connection)
  }
}
