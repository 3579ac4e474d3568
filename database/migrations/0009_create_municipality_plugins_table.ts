import { BaseSchema } from '@adonisjs/lucid/schema'

/**
 * Which program plugins a municipality has enabled. A plugin that is not
 * enabled here vanishes from that municipality's screens.
 */
export default class extends BaseSchema {
  protected tableName = 'municipality_plugins'

  async up() {
    this.schema.createTable(this.tableName, (table) => {
      table.increments('id')
      table
        .integer('municipality_id')
        .unsigned()
        .notNullable()
        .references('municipalities.id')
        .onDelete('CASCADE')
      table.string('plugin_id', 64).notNullable()
      table.integer('enabled_by_user_id').unsigned().nullable().references('users.id')
      table.timestamp('created_at').notNullable()
      table.unique(['municipality_id', 'plugin_id'])
    })
  }

  async down() {
    this.schema.dropTable(this.tableName)
  }
}
