import { BaseSchema } from '@adonisjs/lucid/schema'

/**
 * The token inside a provider's visit QR code (and its short code for
 * manual entry): bound to one visit, short-lived, consumed once. Only the
 * SHA-256 of the token is stored.
 */
export default class extends BaseSchema {
  protected tableName = 'visit_tokens'

  async up() {
    this.schema.createTable(this.tableName, (table) => {
      table.increments('id')
      table
        .integer('municipality_id')
        .unsigned()
        .notNullable()
        .references('municipalities.id')
        .onDelete('CASCADE')
      table.integer('provider_id').unsigned().nullable().references('providers.id')
      table.string('plugin_id', 64).notNullable()
      table.string('program_code', 64).notNullable()
      table.string('service', 64).notNullable()
      table.string('visit_date', 10).notNullable()
      table.string('visit_start', 5).notNullable()
      table.integer('minutes').notNullable()
      table.string('token_hash', 64).notNullable().unique()
      table.string('short_code', 8).notNullable()
      table.timestamp('expires_at', { useTz: true }).notNullable()
      table.timestamp('consumed_at', { useTz: true }).nullable()
      table.integer('consumed_by_resident_id').unsigned().nullable().references('residents.id')
      table.integer('redemption_id').unsigned().nullable().references('ledger_redemptions.id')
      table.integer('created_by_user_id').unsigned().nullable().references('users.id')
      table.timestamp('created_at', { useTz: true }).notNullable()
      table.index(['municipality_id', 'short_code'])
    })
  }

  async down() {
    this.schema.dropTable(this.tableName)
  }
}
