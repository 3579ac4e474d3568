import { spawn } from 'node:child_process'
import { rename, rm } from 'node:fs/promises'
import app from '@adonisjs/core/services/app'
import pg from 'pg'
import sqlite3 from 'sqlite3'
import BackupRefusal from '#backup/backup_refusal'

/*
| The database's copy in a backup, and its way back: SQLite through
| VACUUM INTO (one read transaction on a connection of its own: a
| consistent copy while the app keeps writing, in WAL mode), PostgreSQL
| through pg_dump's custom format, run on a snapshot exported from a
| repeatable-read transaction in which the rows are also counted, so the
| manifest's counts are those of the dump.
*/

export type DatabaseKind = 'sqlite' | 'postgres'

export type PgConnection = {
  host: string
  port: number
  user: string
  password?: string
  database: string
  ssl?: unknown
}

/** Where a restore goes: the app's own database or a scratch one */
export type RestoreTarget =
  { kind: 'sqlite'; file: string } | { kind: 'postgres'; connection: PgConnection }

export type DatabaseCopy = { lastMigration: string | null; rowCounts: Record<string, number> }

const MIGRATIONS_TABLE = 'adonis_schema'

export function configuredKind(): DatabaseKind {
  const name = app.config.get<string>('database.connection')
  return name === 'postgres' ? 'postgres' : 'sqlite'
}

export function configuredTarget(): RestoreTarget {
  if (configuredKind() === 'postgres') {
    return {
      kind: 'postgres',
      connection: app.config.get<PgConnection>('database.connections.postgres.connection'),
    }
  }
  return {
    kind: 'sqlite',
    file: app.config.get<string>('database.connections.sqlite.connection.filename'),
  }
}

/* ------------------------------------------------------------------ SQLite */

function openSqlite(file: string, mode = sqlite3.OPEN_READWRITE | sqlite3.OPEN_CREATE) {
  return new Promise<sqlite3.Database>((resolve, reject) => {
    const database = new sqlite3.Database(file, mode, (error) =>
      error ? reject(error) : resolve(database)
    )
  })
}

function sqliteAll<Row>(database: sqlite3.Database, sql: string, params: unknown[] = []) {
  return new Promise<Row[]>((resolve, reject) =>
    database.all(sql, params, (error, rows) => (error ? reject(error) : resolve(rows as Row[])))
  )
}

function closeSqlite(database: sqlite3.Database) {
  return new Promise<void>((resolve, reject) =>
    database.close((error) => (error ? reject(error) : resolve()))
  )
}

async function sqliteTables(database: sqlite3.Database) {
  const rows = await sqliteAll<{ name: string }>(
    database,
    "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name"
  )
  return rows.map((row) => row.name)
}

async function describeSqlite(file: string): Promise<DatabaseCopy> {
  const database = await openSqlite(file, sqlite3.OPEN_READONLY)
  try {
    const rowCounts: Record<string, number> = {}
    for (const table of await sqliteTables(database)) {
      const [row] = await sqliteAll<{ count: number }>(
        database,
        `SELECT count(*) AS count FROM "${table}"`
      )
      rowCounts[table] = Number(row.count)
    }
    let lastMigration: string | null = null
    if (MIGRATIONS_TABLE in rowCounts) {
      const [row] = await sqliteAll<{ name: string }>(
        database,
        `SELECT name FROM ${MIGRATIONS_TABLE} ORDER BY id DESC LIMIT 1`
      )
      lastMigration = row?.name ?? null
    }
    return { lastMigration, rowCounts }
  } finally {
    await closeSqlite(database)
  }
}

async function copySqlite(source: string, payloadPath: string): Promise<DatabaseCopy> {
  const database = await openSqlite(source, sqlite3.OPEN_READWRITE)
  try {
    await sqliteAll(database, 'PRAGMA busy_timeout = 10000')
    await sqliteAll(database, 'VACUUM INTO ?', [payloadPath])
  } finally {
    await closeSqlite(database)
  }
  return describeSqlite(payloadPath)
}

/* -------------------------------------------------------------- PostgreSQL */

function pgEnvironment(connection: PgConnection) {
  return {
    ...process.env,
    PGHOST: connection.host,
    PGPORT: String(connection.port),
    PGUSER: connection.user,
    PGPASSWORD: connection.password ?? '',
    PGDATABASE: connection.database,
    ...(connection.ssl ? { PGSSLMODE: 'verify-full' } : {}),
  }
}

/** Runs `work` on a connection of its own to the database, closed after */
async function withPgClient<T>(connection: PgConnection, work: (client: pg.Client) => Promise<T>) {
  const client = new pg.Client({ ...connection, ssl: connection.ssl as pg.ClientConfig['ssl'] })
  await client.connect()
  try {
    return await work(client)
  } finally {
    await client.end()
  }
}

/** Runs pg_dump / pg_restore; refuses with its own message when it fails */
export function runTool(command: string, args: string[], env: NodeJS.ProcessEnv) {
  return new Promise<void>((resolve, reject) => {
    const child = spawn(command, args, { env, stdio: ['ignore', 'ignore', 'pipe'] })
    let stderr = ''
    child.stderr.on('data', (chunk) => (stderr += chunk))
    child.on('error', (error) =>
      reject(
        new BackupRefusal('tool_failed', 'tool_not_started', { command, error: error.message })
      )
    )
    child.on('close', (code) =>
      code === 0
        ? resolve()
        : reject(
            new BackupRefusal('tool_failed', 'tool_failed', {
              command,
              code: String(code),
              output: stderr.trim(),
            })
          )
    )
  })
}

async function pgTables(client: pg.Client) {
  const { rows } = await client.query<{ name: string }>(
    `SELECT table_name AS name FROM information_schema.tables
      WHERE table_schema = current_schema() AND table_type = 'BASE TABLE' ORDER BY table_name`
  )
  return rows.map((row) => row.name)
}

async function describePg(client: pg.Client): Promise<DatabaseCopy> {
  const rowCounts: Record<string, number> = {}
  for (const table of await pgTables(client)) {
    const { rows } = await client.query(`SELECT count(*) AS count FROM "${table}"`)
    rowCounts[table] = Number(rows[0].count)
  }
  let lastMigration: string | null = null
  if (MIGRATIONS_TABLE in rowCounts) {
    const { rows } = await client.query(
      `SELECT name FROM ${MIGRATIONS_TABLE} ORDER BY id DESC LIMIT 1`
    )
    lastMigration = rows[0]?.name ?? null
  }
  return { lastMigration, rowCounts }
}

function copyPg(connection: PgConnection, payloadPath: string): Promise<DatabaseCopy> {
  return withPgClient(connection, async (client) => {
    await client.query('BEGIN ISOLATION LEVEL REPEATABLE READ, READ ONLY')
    const { rows } = await client.query('SELECT pg_export_snapshot() AS snapshot')
    const copy = await describePg(client)
    await runTool(
      'pg_dump',
      [
        '--format=custom',
        '--compress=0',
        `--snapshot=${rows[0].snapshot}`,
        `--file=${payloadPath}`,
      ],
      pgEnvironment(connection)
    )
    await client.query('COMMIT')
    return copy
  })
}

/* ----------------------------------------------------------------- either */

/** Copies the app's database into `payloadPath` and describes the copy */
export function copyDatabase(payloadPath: string): Promise<DatabaseCopy> {
  const target = configuredTarget()
  return target.kind === 'postgres'
    ? copyPg(target.connection, payloadPath)
    : copySqlite(target.file, payloadPath)
}

/** The tables of the target that hold rows or exist at all (empty: none) */
export async function tablesOf(target: RestoreTarget): Promise<string[]> {
  if (target.kind === 'sqlite') {
    const { existsSync } = await import('node:fs')
    if (!existsSync(target.file)) return []
    const database = await openSqlite(target.file, sqlite3.OPEN_READONLY)
    try {
      return await sqliteTables(database)
    } finally {
      await closeSqlite(database)
    }
  }
  return withPgClient(target.connection, pgTables)
}

/** The rows per table and last migration of a restored database */
export async function describeTarget(target: RestoreTarget): Promise<DatabaseCopy> {
  if (target.kind === 'sqlite') return describeSqlite(target.file)
  return withPgClient(target.connection, describePg)
}

/**
 * Puts the decrypted copy in place. The caller has checked that the
 * target is empty (or was told to replace it): its tables are dropped.
 */
export async function restoreCopy(target: RestoreTarget, payloadPath: string) {
  if (target.kind === 'sqlite') {
    for (const suffix of ['-wal', '-shm']) await rm(`${target.file}${suffix}`, { force: true })
    await rename(payloadPath, target.file)
    return
  }
  await withPgClient(target.connection, async (client) => {
    await client.query('DROP SCHEMA IF EXISTS public CASCADE')
    await client.query('CREATE SCHEMA public')
  })
  await runTool(
    'pg_restore',
    [
      '--no-owner',
      '--no-privileges',
      '--exit-on-error',
      '--single-transaction',
      `--dbname=${target.connection.database}`,
      payloadPath,
    ],
    pgEnvironment(target.connection)
  )
}

/** A scratch PostgreSQL database on the app's server (for restore drills) */
export async function createScratchPg(name: string): Promise<RestoreTarget> {
  const connection = app.config.get<PgConnection>('database.connections.postgres.connection')
  await withPgClient(connection, (client) => client.query(`CREATE DATABASE "${name}"`))
  return { kind: 'postgres', connection: { ...connection, database: name } }
}

export async function dropScratchPg(name: string) {
  const connection = app.config.get<PgConnection>('database.connections.postgres.connection')
  await withPgClient(connection, (client) =>
    client.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`)
  )
}
