import { BaseSchema } from '@adonisjs/lucid/schema'

/**
 * Issue 17 (14): a provider's correction of a visit's hours, as the
 * resident is told of it: the reservation it replaced, the hours before
 * and after, and, when it asks for more than the resident agreed to, the
 * resident's confirmation (the provider cannot approve until then).
 */
export default class extends BaseSchema {
  protected tableName = 'visit_corrections'

  async up() {
    this.schema.createTable(this.tableName, (table) => {
      table.increments('id')
      table.integer('municipality_id').unsigned().notNullable().references('municipalities.id')
      table.integer('resident_id').unsigned().notNullable().references('residents.id')
      // The reservation the correction made, and the one it replaced
      table
        .integer('redemption_id')
        .unsigned()
        .notNullable()
        .unique()
        .references('ledger_redemptions.id')
      table
        .integer('replaced_redemption_id')
        .unsigned()
        .notNullable()
        .unique()
        .references('ledger_redemptions.id')
      table.integer('from_minutes').notNullable()
      table.integer('to_minutes').notNullable()
      // The most the resident had agreed to before this correction
      table.integer('agreed_minutes').notNullable()
      table.boolean('needs_confirmation').notNullable()
      table.timestamp('confirmed_at', { useTz: true }).nullable()
      table.integer('corrected_by_user_id').unsigned().nullable().references('users.id')
      table.timestamp('created_at', { useTz: true }).notNullable()
      table.index(['municipality_id', 'resident_id'])
    })
  }

  async down() {
    this.schema.dropTable(this.tableName)
  }
}
