import { RateLimiterSQLite } from 'rate-limiter-flexible'

/*
| rate-limiter-flexible (9.x to 11.x) takes a raw connection from knex's pool
| for its SQLite upsert and hands it back to the pool before the upsert has
| run (it returns the pending promise from inside try/finally without
| awaiting it). With one SQLite connection, a request's knex transaction can
| then start on that connection in the middle of the upsert's SAVEPOINT …
| RELEASE, and parallel sign-ins answered 500 "Transaction query already
| complete". Here the upsert keeps the connection until it has finished.
| PostgreSQL's store releases correctly and is left alone.
*/

type UpsertStore = {
  _getConnection(): Promise<unknown>
  _releaseConnection(connection: unknown): void
  _upsertTransaction(...args: unknown[]): Promise<unknown>
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
}
