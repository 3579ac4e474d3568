import { configProvider } from '@adonisjs/core'
import { MessageBuilder } from '@adonisjs/core/helpers'
import string from '@adonisjs/core/helpers/string'
import type { QueryClientContract } from '@adonisjs/lucid/types/database'
import type {
  SessionData,
  SessionStoreFactory,
  SessionStoreWithTaggingContract,
  TaggedSession,
} from '@adonisjs/session/types'

export type DatabaseSessionStoreOptions = {
  tableName?: string
  /**
   * How long a session's expiry may go unrenewed. A request that changes
   * nothing in its session renews the row's expiry only once it is this
   * old, so reading a page costs no database write; an unused session
   * still ends between `age − renewAfter` and `age` after its last request.
   */
  renewAfter: string | number
}

/**
 * The session package's database store (same table, same signed rows, so
 * sessions written by either stay valid), except for `touch`: the package
 * store writes `expires_at` on every request that carries a session
 * cookie, which made every page view, however trivial, a write that
 * SQLite's single writer serialises. Here the expiry read with the row is
 * kept, and `touch` writes only when it is older than `renewAfter`.
 * Writes (`write`) are unchanged. Expired rows are deleted when read, and
 * in bulk by PruneExpiredSessionsJob.
 */
export class DatabaseSessionStore implements SessionStoreWithTaggingContract {
  #client: QueryClientContract
  #tableName: string
  #ttlMs: number
  #renewAfterMs: number
  /** The session read by this request's store, and its expiry */
  #read?: { id: string; expiresAt: number }

  constructor(
    client: QueryClientContract,
    age: string | number,
    options: DatabaseSessionStoreOptions
  ) {
    this.#client = client
    this.#tableName = options.tableName ?? 'sessions'
    this.#ttlMs = string.seconds.parse(age) * 1000
    this.#renewAfterMs = Math.min(string.seconds.parse(options.renewAfter) * 1000, this.#ttlMs)
  }

  #parse(contents: string, sessionId: string): SessionData | null {
    try {
      return new MessageBuilder().verify<SessionData>(contents, sessionId)
    } catch {
      return null
    }
  }

  #newExpiry() {
    return new Date(Date.now() + this.#ttlMs)
  }

  async read(sessionId: string): Promise<SessionData | null> {
    const row = await this.#client
      .from(this.#tableName)
      .select('data', 'expires_at')
      .where('id', sessionId)
      .first()
    if (!row) return null
    const expiresAt = new Date(row.expires_at).getTime()
    if (!(Date.now() <= expiresAt)) {
      await this.destroy(sessionId)
      return null
    }
    this.#read = { id: sessionId, expiresAt }
    return this.#parse(row.data, sessionId)
  }

  async write(sessionId: string, values: SessionData): Promise<void> {
    const data = new MessageBuilder().build(values, undefined, sessionId)
    const expiresAt = this.#newExpiry()
    await this.#client
      .insertQuery()
      .table(this.#tableName)
      .insert({ id: sessionId, data, expires_at: expiresAt })
      .knexQuery.onConflict('id')
      .merge(['data', 'expires_at'])
    this.#read = { id: sessionId, expiresAt: expiresAt.getTime() }
  }

  async destroy(sessionId: string): Promise<void> {
    await this.#client.from(this.#tableName).where('id', sessionId).delete()
    if (this.#read?.id === sessionId) this.#read = undefined
  }

  /**
   * Renews the expiry of a session the request did not change, unless it
   * was renewed less than `renewAfter` ago.
   */
  async touch(sessionId: string): Promise<void> {
    if (this.#read?.id === sessionId) {
      const renewedAt = this.#read.expiresAt - this.#ttlMs
      if (Date.now() - renewedAt < this.#renewAfterMs) return
    }
    const expiresAt = this.#newExpiry()
    await this.#client
      .from(this.#tableName)
      .where('id', sessionId)
      .update({ expires_at: expiresAt })
    this.#read = { id: sessionId, expiresAt: expiresAt.getTime() }
  }

  async tag(sessionId: string, userId: string | number): Promise<void> {
    const data = new MessageBuilder().build({}, undefined, sessionId)
    await this.#client
      .insertQuery()
      .table(this.#tableName)
      .insert({ id: sessionId, user_id: String(userId), data, expires_at: this.#newExpiry() })
      .knexQuery.onConflict('id')
      .merge(['user_id'])
  }

  async untag(sessionId: string): Promise<void> {
    await this.#client
      .query()
      .from(this.#tableName)
      .update({ user_id: null })
      .where({ id: sessionId })
  }

  async tagged(userId: string | number): Promise<TaggedSession[]> {
    const rows = await this.#client
      .from(this.#tableName)
      .select('id', 'data')
      .where('user_id', String(userId))
      .where('expires_at', '>', new Date())
    return rows.flatMap((row) => {
      const data = this.#parse(row.data, row.id)
      return data ? [{ id: row.id as string, data }] : []
    })
  }
}

/**
 * The store for config/session.ts, on the default database connection.
 */
export function databaseSessionStore(options: DatabaseSessionStoreOptions) {
  return configProvider.create<SessionStoreFactory>(async (app) => {
    const db = await app.container.make('lucid.db')
    return (_ctx, sessionConfig) =>
      new DatabaseSessionStore(db.connection(), sessionConfig.age, options)
  })
}
