import { mkdirSync } from 'node:fs'
import { dirname } from 'node:path'
import env from '#start/env'
import app from '@adonisjs/core/services/app'
import { defineConfig } from '@adonisjs/lucid'
import { pluginIds } from '#plugins/index'

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
      | Foreign keys are off by default in SQLite; a busy timeout lets
      | concurrent writers wait for the lock instead of failing at once.
      | Without statistics the planner may walk the wrong index (the
      | residents list's last page: 17.9 s instead of 48 ms at 30,000).
      */
      pool: {
        idleTimeoutMillis: idleTimeout,
        afterCreate: (connection: any, done: (error: Error | null, connection: any) => void) => {
          connection.run('PRAGMA foreign_keys = ON', () => {
            connection.run('PRAGMA journal_mode = WAL', () => {
              connection.run('PRAGMA busy_timeout = 5000', () => {
                // Planner statistics for tables that changed since the last ANALYZE
                // (migrations, imports): SQLite's advice for a new connection
                connection.run('PRAGMA optimize = 0x10002', (error: Error | null) =>
                  done(error, connection)
                )
              })
            })
          })
        },
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
      pool: { min: 0, max: 10, idleTimeoutMillis: idleTimeout },
      migrations: { naturalSort: true, paths: migrationPaths },
      seeders: { paths: seederPaths },
      // Models declare their columns; no generated schema classes.
      schemaGeneration: { enabled: false },
    },
  },
})

export default dbConfig
