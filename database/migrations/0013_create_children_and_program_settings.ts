import { BaseSchema } from '@adonisjs/lucid/schema'

/**
 * - children: a resident's children (or expected child). Entitlement windows
 *   count from the birth date, or the due date until the child is born;
 *   `multiple_birth` marks twins and triplets (each child has its own row).
 * - municipality_programs: per municipality and program, the coupon
 *   definition new grants use (the manifest's default until switched).
 * - ledger_lots gains the child it was granted for and the co-payment tier;
 *   ledger_redemptions the visit's start time.
 */
export default class extends BaseSchema {
  async up() {
    this.schema.createTable('children', (table) => {
      table.increments('id')
      table
        .integer('municipality_id')
        .unsigned()
        .notNullable()
        .references('municipalities.id')
        .onDelete('CASCADE')
      table.integer('resident_id').unsigned().notNullable().references('residents.id')
      table.string('given_name', 60).nullable()
      table.string('due_date', 10).nullable()
      table.string('birth_date', 10).nullable()
      table.boolean('multiple_birth').notNullable().defaultTo(false)
      table.timestamp('created_at').notNullable()
      table.timestamp('updated_at').notNullable()
      table.index(['municipality_id', 'resident_id'])
    })

    this.schema.createTable('municipality_programs', (table) => {
      table.increments('id')
      table
        .integer('municipality_id')
        .unsigned()
        .notNullable()
        .references('municipalities.id')
        .onDelete('CASCADE')
      table.string('plugin_id', 64).notNullable()
      table.string('program_code', 64).notNullable()
      table.string('default_definition', 32).notNullable()
      table.integer('updated_by_user_id').unsigned().nullable().references('users.id')
      table.timestamp('updated_at').notNullable()
      table.unique(['municipality_id', 'plugin_id', 'program_code'])
    })

    this.schema.alterTable('ledger_lots', (table) => {
      table.integer('child_id').unsigned().nullable().references('children.id')
      table.string('copayment_tier', 8).nullable()
    })

    this.schema.alterTable('ledger_redemptions', (table) => {
      table.string('visit_start', 5).nullable()
    })
  }

  async down() {
    this.schema.alterTable('ledger_redemptions', (table) => table.dropColumn('visit_start'))
    this.schema.alterTable('ledger_lots', (table) => {
      table.dropColumn('copayment_tier')
      table.dropColumn('child_id')
    })
    this.schema.dropTable('municipality_programs')
    this.schema.dropTable('children')
  }
}
