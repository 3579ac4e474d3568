import { BaseSchema } from '@adonisjs/lucid/schema'

/**
 * The month usage export (issue 16) reads a facility's visits of a month
 * in (visit date, id) order. The index on (municipality, facility, visit
 * date) did not end in the id on PostgreSQL: every page of the day-by-day
 * keyset re-read and sorted the whole day (3,324 rows/s at a million
 * rows). This index ends in the id, so
 * - on SQLite, each keyset page of the export is an exact seek and a walk
 *   of the page's own entries, in order;
 * - on PostgreSQL, a selective export (one facility's month among many)
 *   is walked in order without a sort; a month that is most of the table
 *   is read by the export's cursor as a scan and one sort instead.
 * It replaces the old index, whose every use (the usage search's facility
 * and month filters, the facilities of a municipality) it serves as its
 * prefix.
 */
const OLD_COLUMNS = ['municipality_id', 'facility_id', 'visit_date']
const INDEX = 'ledger_redemptions_export_keyset_index'

export default class extends BaseSchema {
  async up() {
    this.schema.alterTable('ledger_redemptions', (table) => {
      table.index([...OLD_COLUMNS, 'id'], INDEX)
      table.dropIndex(OLD_COLUMNS)
    })
    this.defer(async (client) => {
      // Planner statistics for the new index (SQLite keeps them in sqlite_stat1)
      await client.rawQuery('ANALYZE ledger_redemptions')
    })
  }

  async down() {
    this.schema.alterTable('ledger_redemptions', (table) => {
      table.index(OLD_COLUMNS)
      table.dropIndex([], INDEX)
    })
  }
}
