import { mkdirSync } from 'node:fs'
import { dirname } from 'node:path'
import env from '#start/env'
import app from '@adonisjs/core/services/app'
import { defineConfig } from '@adonisjs/lucid'
import { pluginIds } from '#plugins/index'
import { sqliteAfterCreate } from '#database/sqlite_connection'

/*
| The core's migrations and seeders run first, then each plugin's, in
| registry order. Lucid records a migration under a name that includes its
| folder, so a plugin folder must never be renamed after release.
*/
const migrationPaths = [
  './database/migrations',
  ...pluginIds.map((id) => `./plugins/${id}/database/migrations`),
]
const seederPaths = [
  './database/seeders',
  ...pluginIds.map((id) => `./plugins/${id}/database/seeders`),
]

/*
| The SQLite file lives under tmp/, which a fresh clone does not have yet.
*/
const sqliteFile = app.makePath(env.get('SQLITE_FILE', 'tmp/tomoni.sqlite3'))
if (env.get('DB_CONNECTION', 'sqlite') === 'sqlite') {
  mkdirSync(dirname(sqliteFile), { recursive: true })
}

/*
| Tests move the clock hours ahead (session timeouts); the pool must not
| take that for idleness and close connections still in use.
*/
const idleTimeout = app.inTest ? 7 * 24 * 3_600_000 : 30_000

/*
| No statement may hold a connection forever: 15 s for the web server and
| the tests; ace commands (migrations, queue jobs, verifiers, benches) may
| run long statements on purpose, so they have no limit unless set.
*/
const statementTimeoutMs = env.get(
  'DB_STATEMENT_TIMEOUT_MS',
  app.getEnvironment() === 'console' ? 0 : 15_000
)

const dbConfig = defineConfig({
  connection: env.get('DB_CONNECTION', 'sqlite'),
  prettyPrintDebugQueries: true,
  connections: {
    sqlite: {
      client: 'sqlite3',
      connection: {
        filename: sqliteFile,
      },
      useNullAsDefault: true,
      /*
      | WAL, one connection: writes and transactions are serialised as the
      | ledger needs. It is set up in database/sqlite_connection.ts (busy
      | timeout, foreign keys, synchronous=NORMAL, statement interrupt).
      */
      pool: {
        min: 0,
        max: 1,
        idleTimeoutMillis: idleTimeout,
        afterCreate: sqliteAfterCreate('writer', statementTimeoutMs),
      },
      migrations: { naturalSort: true, paths: migrationPaths },
      seeders: { paths: seederPaths },
      // Models declare their columns; no generated schema classes.
      schemaGeneration: { enabled: false },
    },
    postgres: {
      client: 'pg',
      connection: {
        host: env.get('PG_HOST', '127.0.0.1'),
        port: env.get('PG_PORT', 5432),
        user: env.get('PG_USER', 'postgres'),
        password: env.get('PG_PASSWORD', ''),
        database: env.get('PG_DB_NAME', 'tomoni'),
        ssl: env.get('PG_SSL', false) ? { rejectUnauthorized: true } : false,
      },
      pool: {
        min: 0,
        max: 10,
        idleTimeoutMillis: idleTimeout,
        // Each connection of the pool, as it opens (0: no limit)
        afterCreate: (connection: any, done: (error: Error | null, connection: any) => void) => {
          connection.query(
            `SET statement_timeout = ${Math.max(0, Math.trunc(statementTimeoutMs))}`,
            (error: Error | null) => done(error, connection)
          )
        },
      },
      migrations: { naturalSort: true, paths: migrationPaths },
      seeders: { paths: seederPaths },
      // Models declare their columns; no generated schema classes.
      schemaGeneration: { enabled: false },
    },
  },
})

export default dbConfig
