import { BaseSchema } from '@adonisjs/lucid/schema'
import { residentSearchIndexFor } from '#residents/resident_search_index'

/**
 * The staff residents list and its search (issue 16):
 * - the list's order, newest first, gets a B-tree index ending in the id,
 *   so a page is read from where the last one ended (keyset) and the total
 *   is counted from the index. Search results (by kana) get none on
 *   purpose: they are few once the trigram index has narrowed them, and
 *   with a kana index PostgreSQL walked it in order past every resident
 *   before ヤ for a LIMIT 25 (山田: 161 ms instead of a scan and a sort);
 * - the name/kana/利用者ID/phone search gets a trigram index
 *   (app/residents/resident_search_index.ts): pg_trgm on PostgreSQL, an
 *   FTS5 trigram table kept by triggers on SQLite;
 * - SQLite gets its planner statistics (ANALYZE): without them it may walk
 *   the wrong index (the last page took 17.9 s at 30,000 residents).
 */
export default class extends BaseSchema {
  async up() {
    this.schema.alterTable('residents', (table) => {
      table.index(['municipality_id', 'created_at', 'id'], 'residents_newest_index')
    })
    this.defer(async (client) => {
      for (const statement of residentSearchIndexFor(client.dialect.name).create) {
        await client.rawQuery(statement)
      }
      await client.rawQuery(
        client.dialect.name === 'postgres' ? 'ANALYZE residents, children' : 'ANALYZE'
      )
    })
  }

  async down() {
    this.defer(async (client) => {
      for (const statement of residentSearchIndexFor(client.dialect.name).drop) {
        await client.rawQuery(statement)
      }
    })
    this.schema.alterTable('residents', (table) => {
      table.dropIndex([], 'residents_newest_index')
    })
  }
}
