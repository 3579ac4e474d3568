import { BaseSchema } from '@adonisjs/lucid/schema'

export default class extends BaseSchema {
  protected tableName = 'residents'

  async up() {
    this.schema.createTable(this.tableName, (table) => {
      table.increments('id')
      table
        .integer('municipality_id')
        .unsigned()
        .notNullable()
        .references('municipalities.id')
        .onDelete('CASCADE')
      table.integer('user_id').unsigned().nullable().references('users.id').onDelete('SET NULL')
      // 利用者ID: assigned by the municipality, unique within it
      table.string('resident_number', 32).notNullable()
      table.string('family_name', 60).notNullable()
      table.string('given_name', 60).notNullable()
      table.string('family_name_kana', 60).notNullable()
      table.string('given_name_kana', 60).notNullable()
      table.string('phone', 32).nullable()
      table.timestamp('created_at').notNullable()
      table.timestamp('updated_at').notNullable()
      table.unique(['municipality_id', 'resident_number'])
      table.unique(['municipality_id', 'user_id'])
    })
  }

  async down() {
    this.schema.dropTable(this.tableName)
  }
}
