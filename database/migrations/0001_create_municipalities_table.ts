import { BaseSchema } from '@adonisjs/lucid/schema'

export default class extends BaseSchema {
  protected tableName = 'municipalities'

  async up() {
    this.schema.createTable(this.tableName, (table) => {
      table.increments('id')
      // 全国地方公共団体コード: 5 digits and a check digit
      table.string('code', 6).notNullable().unique()
      table.string('slug', 64).notNullable().unique()
      table.string('name_ja', 120).notNullable()
      table.string('name_en', 120).notNullable()
      table.timestamp('created_at').notNullable()
      table.timestamp('updated_at').notNullable()
    })
  }

  async down() {
    this.schema.dropTable(this.tableName)
  }
}
