import { BaseSchema } from '@adonisjs/lucid/schema'

/**
 * What a person may do where: one account, many memberships (resident of
 * one municipality, provider staff in two, municipal staff, operator).
 */
export default class extends BaseSchema {
  protected tableName = 'memberships'

  async up() {
    this.schema.createTable(this.tableName, (table) => {
      table.increments('id')
      table.integer('user_id').unsigned().notNullable().references('users.id').onDelete('CASCADE')
      table
        .integer('municipality_id')
        .unsigned()
        .nullable()
        .references('municipalities.id')
        .onDelete('CASCADE')
      table
        .integer('provider_id')
        .unsigned()
        .nullable()
        .references('providers.id')
        .onDelete('CASCADE')
      table
        .enum('role', [
          'platform_operator',
          'municipal_admin',
          'municipal_staff',
          'provider_admin',
          'provider_staff',
          'resident',
        ])
        .notNullable()
      table.timestamp('created_at').notNullable()
      table.timestamp('updated_at').notNullable()
      table.unique(['user_id', 'municipality_id', 'provider_id', 'role'])
      table.index(['municipality_id', 'role'])
    })
  }

  async down() {
    this.schema.dropTable(this.tableName)
  }
}
