/*
| How each SQLite connection is set up (config/database.ts, pool afterCreate).
| The file is in WAL mode, so readers never wait for the writer. The app has
| one connection, the writer; 'reader' sets up a read-only connection for
| read pools (not attached yet: Lucid's `replicas` loses the sqlite3 file
| name of its readers).
|
| - busy_timeout: a connection that finds the file locked (the writer of
|   another process, a checkpoint) waits up to 5 s instead of failing.
| - synchronous=NORMAL: in WAL mode the file can never be corrupted by a
|   crash; a power loss may lose the last transactions, not older ones.
| - readers: query_only, so a write sent to a reader fails at once rather
|   than becoming a second writer.
| - a statement still running after `statementTimeoutMs` is interrupted
|   (sqlite3_interrupt): it fails with SQLITE_INTERRUPT, and a transaction
|   it belonged to is rolled back. node-sqlite3 runs statements off the
|   main thread, so the timer fires while the statement runs.
*/

type Callback = (error: Error | null, ...rest: unknown[]) => void

/** The part of a node-sqlite3 Database used here */
export type SqliteConnection = {
  run(sql: string, ...rest: unknown[]): unknown
  all(sql: string, ...rest: unknown[]): unknown
  interrupt(): void
}

export type SqliteRole = 'writer' | 'reader'

function exec(connection: SqliteConnection, sql: string) {
  return new Promise<void>((resolve, reject) => {
    connection.run(sql, (error: Error | null) => (error ? reject(error) : resolve()))
  })
}

/**
 * Interrupts any `run` or `all` (what knex calls) still running after
 * `timeoutMs`. A connection runs one statement at a time (the pool lends it
 * to one query), so the interrupt reaches that statement only.
 */
export function boundStatements(connection: SqliteConnection, timeoutMs: number) {
  if (!(timeoutMs > 0)) return
  for (const method of ['run', 'all'] as const) {
    const original = connection[method]
    connection[method] = function (sql: string, ...rest: unknown[]) {
      const callbackAt = rest.findLastIndex((argument) => typeof argument === 'function')
      if (callbackAt === -1) return original.call(connection, sql, ...rest)
      const callback = rest[callbackAt] as Callback
      const timer = setTimeout(() => connection.interrupt(), timeoutMs)
      rest[callbackAt] = function (this: unknown, ...results: Parameters<Callback>) {
        clearTimeout(timer)
        return callback.apply(this, results)
      }
      return original.call(connection, sql, ...rest)
    }
  }
}

export async function setUpSqliteConnection(
  connection: SqliteConnection,
  role: SqliteRole,
  statementTimeoutMs: number
) {
  await exec(connection, 'PRAGMA busy_timeout = 5000')
  await exec(connection, 'PRAGMA foreign_keys = ON')
  if (role === 'writer') {
    await exec(connection, 'PRAGMA journal_mode = WAL')
    await exec(connection, 'PRAGMA synchronous = NORMAL')
    // Planner statistics for tables that changed since the last ANALYZE
    // (migrations, imports): SQLite's advice for a new connection. Without
    // them the residents list's last page took 17.9 s instead of 48 ms.
    await exec(connection, 'PRAGMA optimize = 0x10002')
  } else {
    await exec(connection, 'PRAGMA query_only = ON')
  }
  boundStatements(connection, statementTimeoutMs)
}

/** The pool's afterCreate for a connection of this role */
export function sqliteAfterCreate(role: SqliteRole, statementTimeoutMs: number) {
  return (
    connection: SqliteConnection,
    done: (error: Error | null, connection: unknown) => void
  ) => {
    setUpSqliteConnection(connection, role, statementTimeoutMs).then(
      () => done(null, connection),
      (error: Error) => done(error, connection)
    )
  }
}
