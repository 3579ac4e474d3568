import { BaseSchema } from '@adonisjs/lucid/schema'

/**
 * What the municipal staff console works on besides the ledger: household
 * notes, residents' applications to programs, providers' facilities and
 * the programs and services each provider is contracted for here, and the
 * CSV imports and exports that run as jobs.
 */
export default class extends BaseSchema {
  // Outside a transaction, Knex can switch SQLite's foreign-key checks off
  // while it rebuilds a table to drop a column (down) that rows refer to.
  static disableTransactions = true

  async up() {
    this.schema.alterTable('residents', (table) => {
      table.text('household_notes').nullable()
    })

    this.schema.createTable('applications', (table) => {
      table.increments('id')
      table
        .integer('municipality_id')
        .unsigned()
        .notNullable()
        .references('municipalities.id')
        .onDelete('CASCADE')
      table.integer('resident_id').unsigned().notNullable().references('residents.id')
      table.string('plugin_id', 64).notNullable()
      table.string('program_code', 64).notNullable()
      table.integer('child_id').unsigned().nullable().references('children.id')
      // The plugin form's answers as JSON, checked against its declared fields
      table.text('answers').notNullable()
      table.string('status', 16).notNullable().defaultTo('submitted')
      table.string('decision_reason', 500).nullable()
      table.integer('decided_by_user_id').unsigned().nullable().references('users.id')
      table.timestamp('decided_at', { useTz: true }).nullable()
      table.timestamp('created_at', { useTz: true }).notNullable()
      table.timestamp('updated_at', { useTz: true }).notNullable()
      table.index(['municipality_id', 'status', 'created_at'])
      table.index(['municipality_id', 'resident_id'])
    })

    this.schema.createTable('facilities', (table) => {
      table.increments('id')
      table
        .integer('provider_id')
        .unsigned()
        .notNullable()
        .references('providers.id')
        .onDelete('CASCADE')
      table.string('name_ja', 160).notNullable()
      table.string('name_en', 160).notNullable()
      table.string('address', 200).nullable()
      table.string('phone', 32).nullable()
      table.timestamp('created_at').notNullable()
      table.timestamp('updated_at').notNullable()
      table.index(['provider_id'])
    })

    this.schema.createTable('provider_contracts', (table) => {
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
      table.string('plugin_id', 64).notNullable()
      table.string('program_code', 64).notNullable()
      // JSON array of the program's service codes this provider may deliver
      table.text('services').notNullable()
      table.integer('updated_by_user_id').unsigned().nullable().references('users.id')
      table.timestamp('created_at').notNullable()
      table.timestamp('updated_at').notNullable()
      table.unique(['municipality_id', 'provider_id', 'plugin_id', 'program_code'])
    })

    this.schema.alterTable('ledger_redemptions', (table) => {
      table.integer('facility_id').unsigned().nullable().references('facilities.id')
      table.index(['municipality_id', 'facility_id', 'visit_date'])
    })
    this.schema.alterTable('visit_tokens', (table) => {
      table.integer('facility_id').unsigned().nullable().references('facilities.id')
    })

    this.schema.createTable('csv_jobs', (table) => {
      table.increments('id')
      table
        .integer('municipality_id')
        .unsigned()
        .notNullable()
        .references('municipalities.id')
        .onDelete('CASCADE')
      table.string('kind', 40).notNullable()
      table.string('status', 16).notNullable().defaultTo('queued')
      table.integer('progress_done').notNullable().defaultTo(0)
      table.integer('progress_total').nullable()
      table.text('params').notNullable()
      table.text('result').nullable()
      table.string('file_path', 300).nullable()
      table.string('file_name', 200).nullable()
      table.integer('requested_by_user_id').unsigned().notNullable().references('users.id')
      table.timestamp('created_at', { useTz: true }).notNullable()
      table.timestamp('updated_at', { useTz: true }).notNullable()
      table.timestamp('finished_at', { useTz: true }).nullable()
      table.index(['municipality_id', 'kind', 'created_at'])
    })
  }

  async down() {
    this.schema.dropTable('csv_jobs')
    this.schema.alterTable('visit_tokens', (table) => table.dropColumn('facility_id'))
    this.schema.alterTable('ledger_redemptions', (table) => {
      table.dropIndex(['municipality_id', 'facility_id', 'visit_date'])
      table.dropColumn('facility_id')
    })
    this.schema.dropTable('provider_contracts')
    this.schema.dropTable('facilities')
    this.schema.dropTable('applications')
    this.schema.alterTable('residents', (table) => table.dropColumn('household_notes'))
  }
}
