import { RateLimiterSQLite } from 'rate-limiter-flexible'

/*
| rate-limiter-flexible (9.x to 11.x) on SQLite, two fixes:
|
| 1. It takes a raw connection from knex's pool for its upsert and hands it
|    back before the upsert has run (it returns the pending promise from
|    inside try/finally without awaiting it). With one SQLite connection, a
|    request's knex transaction could then start on that connection in the
|    middle of the upsert, and parallel sign-ins answered 500 "Transaction
|    query already complete". Here the upsert keeps the connection until it
|    has finished.
| 2. It wraps its one statement in SAVEPOINT … RELEASE. A refused write is
|    rolled back to the savepoint and never released, and a failed RELEASE
|    is ignored: the connection went back to the pool inside a transaction,
|    and the next BEGIN failed. On the connection the tests share (a global
|    transaction), its RELEASE also released the savepoints other requests
|    had opened since, and their transactions ended under them. One
|    INSERT … ON CONFLICT … RETURNING is atomic by itself: it runs alone.
|
| PostgreSQL's store does neither and is left alone.
*/

type SqliteConnection = {
  all(sql: string, params: unknown[], done: (error: Error | null, rows: unknown[]) => void): void
}

type UpsertStore = {
  _getConnection(): Promise<unknown>
  _releaseConnection(connection: unknown): void
  _upsertTransaction(...args: unknown[]): Promise<unknown>
  _upsertTransactionSQLite3(
    connection: SqliteConnection,
    sql: string,
    params: unknown[]
  ): Promise<unknown>
}

const prototype = RateLimiterSQLite.prototype as unknown as UpsertStore
const upsert = prototype._upsertTransaction
const FIXED = Symbol.for('tomoni.sqlite_limiter_connection')

if (!(FIXED in prototype)) {
  Object.defineProperty(prototype, FIXED, { value: true })
  prototype._upsertTransaction = async function (this: UpsertStore, ...args: unknown[]) {
    const connection = await this._getConnection()
    // The library's own upsert, on this connection, with its early release a no-op
    const holding = Object.create(this, {
      _getConnection: { value: async () => connection },
      _releaseConnection: { value: () => {} },
    })
    try {
      return await upsert.apply(holding, args)
    } finally {
      this._releaseConnection(connection)
    }
  }
  // Stepped to its end (all, not get): a RETURNING write left pending would block the next savepoint
  prototype._upsertTransactionSQLite3 = function (connection, sql, params) {
    return new Promise((resolve, reject) => {
      connection.all(sql, params, (error, rows) => (error ? reject(error) : resolve(rows[0])))
    })
  }
}
