import { BaseSchema } from '@adonisjs/lucid/schema'

/**
 * Alerts to the platform operator and a municipality's administrators
 * (issue 18): one open row per condition, however often it recurs, and the
 * last time a worker was seen (alert_signals).
 */
export default class extends BaseSchema {
  async up() {
    this.schema.createTable('alerts', (table) => {
      table.increments('id')
      // null: the whole platform
      table.integer('municipality_id').unsigned().nullable().references('municipalities.id')
      table.string('condition', 120).notNullable()
      table.string('status', 20).notNullable().defaultTo('open')
      table.timestamp('first_seen_at', { useTz: true }).notNullable()
      table.timestamp('last_seen_at', { useTz: true }).notNullable()
      table.timestamp('resolved_at', { useTz: true }).nullable()
      table.integer('occurrences').notNullable().defaultTo(1)
      // Identifiers and counts only, never personal data
      table.text('details').nullable()
      table.index(['status', 'last_seen_at'])
    })
    // Once per condition: a second raise while open finds this row
    this.schema.raw(
      "CREATE UNIQUE INDEX alerts_one_open ON alerts (condition, COALESCE(municipality_id, 0)) WHERE status = 'open'"
    )

    this.schema.createTable('alert_signals', (table) => {
      table.string('name', 60).primary()
      table.timestamp('seen_at', { useTz: true }).notNullable()
    })
  }

  async down() {
    this.schema.dropTable('alert_signals')
    this.schema.dropTable('alerts')
  }
}
