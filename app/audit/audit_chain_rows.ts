import type { QueryClientContract, TransactionClientContract } from '@adonisjs/lucid/types/database'
import { FIELDS, canonicalTextSql } from '#audit/audit_hash'

/** Rows read from the database at a time */
export const CHAIN_BATCH = 2000

/** The links of each event, read with its canonical text built by the database */
const LINK_COLUMNS = ['id', 'sequence', 'prev_hash', 'hash', 'hash_algorithm']

/** The hashed fields as stored, for an event whose text the database could not build */
const STORED_COLUMNS = ['id', ...FIELDS, 'prev_hash', 'hash', 'hash_algorithm']

type Rows = Record<string, any>[]

let cursors = 0

/**
 * The events of one chain in sequence order (from #1; a row numbered 0 or
 * below is not part of a chain), CHAIN_BATCH rows at a time, read in the
 * given transaction: each row's links and its canonical text
 * (`canonical_text`, built by the database with canonicalTextSql).
 *
 * PostgreSQL reads them through one server-side cursor (a single ordered
 * index scan): keyset pages would each sort the rest of the chain again
 * when the table has no statistics yet. The next batch is already asked for
 * while the caller works through the current one. SQLite reads keyset
 * batches, each a range of its (chain_key, sequence) index, also one ahead.
 */
export async function* chainRows(trx: TransactionClientContract, chainKey: string) {
  const canonicalText = canonicalTextSql(trx.dialect.name)
  if (trx.dialect.name !== 'postgres') {
    // The database builds the next batch's text on its own thread while
    // the caller hashes the current one.
    yield* readAhead((previous) =>
      trx
        .from('audit_events')
        .select(LINK_COLUMNS)
        .select(trx.raw(`${canonicalText} AS canonical_text`))
        .where('chain_key', chainKey)
        .where('sequence', '>', previous ? Number(previous[previous.length - 1].sequence) : 0)
        .orderBy('sequence')
        .limit(CHAIN_BATCH)
    )
    return
  }

  const cursor = `audit_chain_rows_${++cursors}`
  const columns = [
    ...LINK_COLUMNS.map((column) => `"${column}"`),
    `${canonicalText} AS canonical_text`,
  ]
  await trx.rawQuery(
    `DECLARE ${cursor} NO SCROLL CURSOR FOR SELECT ${columns.join(', ')} FROM audit_events ` +
      `WHERE chain_key = ? AND sequence > 0 ORDER BY sequence`,
    [chainKey]
  )
  let failed = false
  try {
    yield* readAhead(async () => {
      const result = await trx.rawQuery(`FETCH ${CHAIN_BATCH} FROM ${cursor}`)
      return result.rows as Rows
    })
  } catch (error) {
    // The failed statement aborted the transaction, and the cursor with it.
    failed = true
    throw error
  } finally {
    if (!failed) await trx.rawQuery(`CLOSE ${cursor}`)
  }
}

/**
 * Yields the batches fetchBatch returns until one is short, each fetch
 * started before the previous batch is handed out.
 */
async function* readAhead(fetchBatch: (previous: Rows | null) => Promise<Rows>) {
  let pending: Promise<Rows> | null = fetchBatch(null)
  try {
    while (pending) {
      const rows: Rows = await pending
      pending = rows.length === CHAIN_BATCH ? fetchBatch(rows) : null
      // Awaited below or in finally; this only keeps Node from calling a
      // failure unhandled while the caller is busy with the current batch.
      pending?.catch(() => {})
      if (rows.length > 0) yield rows
    }
  } finally {
    // The caller stopped early (a broken link): the fetch under way ends
    // before the transaction does.
    if (pending) await pending
  }
}

/** One event's hashed fields as stored, for hashing it with canonicalText */
export function storedChainRow(client: QueryClientContract, id: unknown) {
  return client.from('audit_events').select(STORED_COLUMNS).where('id', String(id)).firstOrFail()
}
