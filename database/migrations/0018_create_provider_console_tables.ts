import { BaseSchema } from '@adonisjs/lucid/schema'

/**
 * What the provider console adds: a membership a provider administrator
 * has disabled (kept for the record, no longer letting its user in), the
 * provider's own memos on a visit or a resident, and the link from a
 * reservation whose hours the provider corrected before approval to the
 * reservation that replaced it. CSV job kinds get room for a provider's
 * export of a plugin with a long id (provider_export_plugin_<id>).
 */
export default class extends BaseSchema {
  // Outside a transaction, Knex can switch SQLite's foreign-key checks off
  // while it rebuilds a table to drop a column (down) that rows refer to.
  static disableTransactions = true

  async up() {
    this.schema.alterTable('memberships', (table) => {
      table.timestamp('disabled_at', { useTz: true }).nullable()
    })
    this.schema.alterTable('ledger_redemptions', (table) => {
      table
        .integer('replaced_by_redemption_id')
        .unsigned()
        .nullable()
        .references('ledger_redemptions.id')
    })
    // SQLite does not enforce a varchar's length (and would rebuild the table)
    if (this.db.dialect.name === 'postgres') {
      this.schema.alterTable('csv_jobs', (table) => {
        table.string('kind', 100).notNullable().alter()
      })
    }
    this.schema.createTable('provider_memos', (table) => {
      table.increments('id')
      table
        .integer('municipality_id')
        .unsigned()
        .notNullable()
        .references('municipalities.id')
        .onDelete('CASCADE')
      table
        .integer('provider_id')
        .unsigned()
        .notNullable()
        .references('providers.id')
        .onDelete('CASCADE')
      table.integer('resident_id').unsigned().nullable().references('residents.id')
      table.integer('redemption_id').unsigned().nullable().references('ledger_redemptions.id')
      // e.g. the day the service was actually used (使用日), what to bring next time
      table.text('body').notNullable()
      table.integer('created_by_user_id').unsigned().notNullable().references('users.id')
      table.timestamp('created_at', { useTz: true }).notNullable()
      table.index(['municipality_id', 'provider_id', 'resident_id'])
      table.index(['municipality_id', 'provider_id', 'redemption_id'])
    })
  }

  async down() {
    this.schema.dropTable('provider_memos')
    // csv_jobs.kind stays 100 long: rows may already need the room
    this.schema.alterTable('ledger_redemptions', (table) => {
      table.dropForeign(['replaced_by_redemption_id'])
      table.dropColumn('replaced_by_redemption_id')
    })
    this.schema.alterTable('memberships', (table) => table.dropColumn('disabled_at'))
  }
}
