import { BaseSchema } from '@adonisjs/lucid/schema'
import {
  ROLLUP_FIGURES,
  ROLLUP_KEYS,
  ROLLUP_TABLES,
  rebuildStatements,
} from '#ledger/ledger_rollups'

/** The text columns of the rollups' keys: as long as the ledger's own */
const KEY_LENGTHS: Record<string, number> = {
  kind: 8,
  month: 7,
  plugin_id: 64,
  program_code: 64,
  service: 64,
  status: 16,
}

/**
 * The statistics and usage month figures from rollups (issue 16):
 * - ledger_usage_totals, ledger_month_residents and ledger_month_totals
 *   (app/ledger/ledger_rollups.ts), filled here from the ledger as it is,
 *   then kept through the change log of 0024 (which drops the triggers
 *   that this migration once created to update them row by row);
 * - the usage screen's page, newest visit first, gets an index in its
 *   order, so page 1 of a month reads 50 rows instead of sorting the month.
 */
export default class extends BaseSchema {
  async up() {
    for (const name of ROLLUP_TABLES) {
      this.schema.createTable(name, (table) => {
        for (const column of ROLLUP_KEYS[name]) {
          if (column === 'municipality_id') {
            table.integer(column).unsigned().notNullable().references('municipalities.id')
          } else if (column === 'facility_id' || column === 'resident_id') {
            table.integer(column).notNullable()
          } else {
            table.string(column, KEY_LENGTHS[column]).notNullable()
          }
        }
        for (const column of ROLLUP_FIGURES[name]) {
          if (column === 'minutes') table.bigInteger(column).notNullable()
          else table.integer(column).notNullable()
        }
        table.primary(ROLLUP_KEYS[name])
      })
    }
    this.schema.alterTable('ledger_redemptions', (table) => {
      table.index(
        ['municipality_id', 'visit_date', 'visit_start', 'id'],
        'ledger_redemptions_usage_order_index'
      )
    })
    this.defer(async (client) => {
      for (const statement of rebuildStatements(client.dialect.name)) {
        await client.rawQuery(statement)
      }
      await client.rawQuery(
        client.dialect.name === 'postgres'
          ? 'ANALYZE ledger_redemptions, ledger_usage_totals, ledger_month_residents, ledger_month_totals'
          : 'ANALYZE'
      )
    })
  }

  async down() {
    this.schema.alterTable('ledger_redemptions', (table) => {
      table.dropIndex([], 'ledger_redemptions_usage_order_index')
    })
    for (const name of [...ROLLUP_TABLES].reverse()) this.schema.dropTable(name)
  }
}
