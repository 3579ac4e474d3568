import { BaseSchema } from '@adonisjs/lucid/schema'

/**
 * A provider (事業者) is an organisation that may contract with several
 * municipalities; its staff reach each municipality through a membership.
 */
export default class extends BaseSchema {
  protected tableName = 'providers'

  async up() {
    this.schema.createTable(this.tableName, (table) => {
      table.increments('id')
      table.string('name_ja', 160).notNullable()
      table.string('name_en', 160).notNullable()
      table.string('phone', 32).nullable()
      table.timestamp('created_at').notNullable()
      table.timestamp('updated_at').notNullable()
    })
  }

  async down() {
    this.schema.dropTable(this.tableName)
  }
}
