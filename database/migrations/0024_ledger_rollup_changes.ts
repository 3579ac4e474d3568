import { BaseSchema } from '@adonisjs/lucid/schema'
import { ROLLUP_CHANGES_TABLE, ledgerRollupsFor } from '#ledger/ledger_rollups'

const SOURCES = ['ledger_lots', 'ledger_redemptions']

/** The triggers 0023 created to update the rollups row by row, by dialect */
const ROW_BY_ROW_TRIGGERS = {
  postgres: SOURCES.flatMap((table) => [
    `DROP TRIGGER IF EXISTS ${table}_rollup_insert_delete ON ${table}`,
    `DROP TRIGGER IF EXISTS ${table}_rollup_update ON ${table}`,
    `DROP FUNCTION IF EXISTS ${table}_rollup()`,
  ]),
  sqlite: SOURCES.flatMap((table) =>
    ['insert', 'update', 'delete'].map((event) => `DROP TRIGGER IF EXISTS ${table}_rollup_${event}`)
  ),
}

/**
 * The month rollups through a change log (issue 16). 0023's triggers
 * updated a month's shared totals in every posting's transaction: some 20
 * statements more per posting, and concurrent postings queued on the same
 * rows, a third of the ledger's throughput. Now a changed ledger row
 * appends its old and new figures to ledger_rollup_changes, and a refresh
 * folds them in (app/ledger/ledger_rollup_refresh.ts). The rollups 0023
 * filled are exact, so the log starts empty.
 */
export default class extends BaseSchema {
  async up() {
    this.schema.createTable(ROLLUP_CHANGES_TABLE, (table) => {
      table.bigIncrements('id')
      table.smallint('sign').notNullable()
      table.string('kind', 8).notNullable()
      // No foreign keys: a log appended on the ledger's hot path, emptied by the refresh
      table.integer('municipality_id').notNullable()
      table.integer('resident_id').notNullable()
      table.string('plugin_id', 64).notNullable()
      table.string('program_code', 64).notNullable()
      table.string('service', 64).notNullable()
      table.string('month', 7).notNullable()
      table.integer('facility_id').notNullable()
      table.string('status', 16).notNullable()
      table.smallint('counts').notNullable()
      table.smallint('replaced').notNullable()
      table.bigInteger('minutes').notNullable()
      // A screen's refresh takes its own municipality's changes, oldest first
      table.index(['municipality_id', 'id'])
    })
    // The refresh reads the stored rows of the residents whose figures changed
    this.schema.alterTable('ledger_month_residents', (table) => {
      table.index(
        ['municipality_id', 'resident_id', 'month'],
        'ledger_month_residents_resident_index'
      )
    })
    this.defer(async (client) => {
      const dialect = client.dialect.name === 'postgres' ? 'postgres' : 'sqlite'
      for (const statement of [
        ...ROW_BY_ROW_TRIGGERS[dialect],
        ...ledgerRollupsFor(client.dialect.name).create,
      ]) {
        await client.rawQuery(statement)
      }
    })
  }

  /** Leaves the rollups unmaintained until 0023 is rolled back too, which drops them */
  async down() {
    this.defer(async (client) => {
      for (const statement of ledgerRollupsFor(client.dialect.name).drop) {
        await client.rawQuery(statement)
      }
    })
    this.schema.alterTable('ledger_month_residents', (table) => {
      table.dropIndex([], 'ledger_month_residents_resident_index')
    })
    this.schema.dropTable(ROLLUP_CHANGES_TABLE)
  }
}
