import { test } from '@japa/runner'
import db from '@adonisjs/lucid/services/db'
import sqlite3 from 'sqlite3'
import { setUpSqliteConnection, type SqliteConnection } from '#database/sqlite_connection'

/** A statement that runs for a long time: counting to a billion */
const LONG_STATEMENT =
  'WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 1000000000) SELECT count(*) AS c FROM n'

function openMemory() {
  return new Promise<sqlite3.Database>((resolve, reject) => {
    const connection = new sqlite3.Database(':memory:', (error) =>
      error ? reject(error) : resolve(connection)
    )
  })
}

function all(connection: sqlite3.Database, sql: string) {
  return new Promise<unknown[]>((resolve, reject) => {
    connection.all(sql, [], (error, rows) => (error ? reject(error) : resolve(rows)))
  })
}

test.group('Database connections: no statement holds a connection forever', () => {
  test('the app connection has its statement limit', async ({ assert }) => {
    const connection = db.connection()
    if (connection.dialect.name === 'postgres') {
      const { rows } = await connection.rawQuery('SHOW statement_timeout')
      assert.equal(rows[0].statement_timeout, '15s')
    } else {
      const result = await connection.rawQuery('PRAGMA busy_timeout')
      assert.equal(result[0].timeout, 5000)
      const [mode] = await connection.rawQuery('PRAGMA journal_mode')
      assert.equal(mode.journal_mode, 'wal')
      const [sync] = await connection.rawQuery('PRAGMA synchronous')
      assert.equal(sync.synchronous, 1) // NORMAL
    }
  })

  test('PostgreSQL cancels a statement that runs past the limit', async ({ assert }) => {
    const connection = db.connection()
    if (connection.dialect.name !== 'postgres') return
    await connection.transaction(async (trx) => {
      await trx.rawQuery("SET LOCAL statement_timeout = '100ms'")
      await assert.rejects(() => trx.rawQuery('SELECT pg_sleep(2)'), /statement timeout/)
    })
  })

  test('SQLite interrupts a statement that runs past the limit, and the connection goes on', async ({
    assert,
  }) => {
    const connection = await openMemory()
    try {
      await setUpSqliteConnection(connection as unknown as SqliteConnection, 'writer', 200)
      const started = Date.now()
      await assert.rejects(() => all(connection, LONG_STATEMENT), /SQLITE_INTERRUPT|interrupted/)
      assert.isBelow(Date.now() - started, 5000)
      assert.deepEqual(await all(connection, 'SELECT 1 AS one'), [{ one: 1 }])
    } finally {
      connection.close()
    }
  })

  test('SQLite without a limit lets a statement finish', async ({ assert }) => {
    const connection = await openMemory()
    try {
      await setUpSqliteConnection(connection as unknown as SqliteConnection, 'writer', 0)
      const rows = await all(
        connection,
        'WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 100000) SELECT count(*) AS c FROM n'
      )
      assert.deepEqual(rows, [{ c: 100000 }])
    } finally {
      connection.close()
    }
  })
})
