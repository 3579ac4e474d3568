import { BaseSchema } from '@adonisjs/lucid/schema'

/**
 * Expiry reminders already sent: one row per lot and threshold (30 or 7
 * days before valid_to). The unique key is what keeps a reminder from
 * going out twice, even when two schedulers run at the same moment.
 */
export default class extends BaseSchema {
  protected tableName = 'ledger_expiry_reminders'

  async up() {
    this.schema.createTable(this.tableName, (table) => {
      table.increments('id')
      table
        .integer('municipality_id')
        .unsigned()
        .notNullable()
        .references('municipalities.id')
        .onDelete('CASCADE')
      table.integer('lot_id').unsigned().notNullable().references('ledger_lots.id')
      table.integer('days_before').notNullable()
      table.timestamp('sent_at', { useTz: true }).notNullable()
      table.unique(['lot_id', 'days_before'])
    })
  }

  async down() {
    this.schema.dropTable(this.tableName)
  }
}
