import { BaseSchema } from '@adonisjs/lucid/schema'

/**
 * A CSV job's runs (issue 18): how many times a worker took it (a run is
 * claimed by its number, so a second worker handed the same job cannot
 * finish the first one's run), when its worker last said it was alive,
 * and when the queue accepted it. A job running with no heartbeat, or
 * never accepted by the queue, is one whose worker or dispatch died.
 */
export default class extends BaseSchema {
  async up() {
    this.schema.alterTable('csv_jobs', (table) => {
      table.integer('attempts').notNullable().defaultTo(0)
      table.timestamp('heartbeat_at', { useTz: true }).nullable()
      table.timestamp('dispatched_at', { useTz: true }).nullable()
    })
  }

  async down() {
    // In place on both databases (knex's dropColumn rebuilds SQLite tables)
    for (const column of ['attempts', 'heartbeat_at', 'dispatched_at']) {
      this.schema.raw(`ALTER TABLE csv_jobs DROP COLUMN ${column}`)
    }
  }
}
