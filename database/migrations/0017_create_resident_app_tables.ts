import { BaseSchema } from '@adonisjs/lucid/schema'

/**
 * What the resident app adds: the one-time codes staff hand out so a
 * resident can claim the record staff or a CSV import registered (only a
 * hash is kept), and the answers to a program's survey after a visit
 * (answered or declined once per redemption).
 */
export default class extends BaseSchema {
  async up() {
    this.schema.createTable('resident_claim_codes', (table) => {
      table.increments('id')
      table
        .integer('municipality_id')
        .unsigned()
        .notNullable()
        .references('municipalities.id')
        .onDelete('CASCADE')
      table
        .integer('resident_id')
        .unsigned()
        .notNullable()
        .references('residents.id')
        .onDelete('CASCADE')
      table.string('code_hash', 64).notNullable().unique()
      table.timestamp('expires_at', { useTz: true }).notNullable()
      table.timestamp('used_at', { useTz: true }).nullable()
      table.integer('used_by_user_id').unsigned().nullable().references('users.id')
      table.integer('created_by_user_id').unsigned().nullable().references('users.id')
      table.timestamp('created_at', { useTz: true }).notNullable()
      table.index(['municipality_id', 'resident_id'])
    })

    this.schema.createTable('survey_responses', (table) => {
      table.increments('id')
      table
        .integer('municipality_id')
        .unsigned()
        .notNullable()
        .references('municipalities.id')
        .onDelete('CASCADE')
      table.integer('resident_id').unsigned().notNullable().references('residents.id')
      table
        .integer('redemption_id')
        .unsigned()
        .notNullable()
        .unique()
        .references('ledger_redemptions.id')
      table.string('plugin_id', 64).notNullable()
      table.string('program_code', 64).notNullable()
      // answered | declined
      table.string('status', 16).notNullable()
      // The plugin survey's answers as JSON (null when declined)
      table.text('answers').nullable()
      table.timestamp('created_at', { useTz: true }).notNullable()
      table.index(['municipality_id', 'plugin_id', 'created_at'])
    })
  }

  async down() {
    this.schema.dropTable('survey_responses')
    this.schema.dropTable('resident_claim_codes')
  }
}
