import { BaseSchema } from '@adonisjs/lucid/schema'

/**
 * Staff sign-in through the municipality's own identity provider (issue 19,
 * part 2): one upstream OpenID Provider per municipality, and the link of a
 * staff account to its upstream subject (issuer + sub), made on first use.
 */
export default class extends BaseSchema {
  async up() {
    this.schema.createTable('staff_sign_in_providers', (table) => {
      table.increments('id')
      table
        .integer('municipality_id')
        .unsigned()
        .notNullable()
        .unique()
        .references('municipalities.id')
        .onDelete('CASCADE')
      table.string('issuer', 500).notNullable()
      table.string('client_id', 255).notNullable()
      // Encrypted with APP_KEY (the encryption service); never shown again
      table.text('client_secret').notNullable()
      table.string('identifier_claim', 100).notNullable().defaultTo('email')
      table.boolean('trust_mfa').notNullable().defaultTo(false)
      // acr values that count as multi-factor, space separated
      table.string('mfa_acr_values', 500).notNullable().defaultTo('')
      table.boolean('password_sign_in_off').notNullable().defaultTo(false)
      table.timestamp('created_at', { useTz: true }).notNullable()
      table.timestamp('updated_at', { useTz: true }).notNullable()
    })

    this.schema.createTable('staff_upstream_links', (table) => {
      table.increments('id')
      table
        .integer('municipality_id')
        .unsigned()
        .notNullable()
        .references('municipalities.id')
        .onDelete('CASCADE')
      table.integer('user_id').unsigned().notNullable().references('users.id').onDelete('CASCADE')
      table.string('issuer', 500).notNullable()
      table.string('subject', 255).notNullable()
      table.timestamp('created_at', { useTz: true }).notNullable()
      table.timestamp('last_used_at', { useTz: true }).nullable()
      table.unique(['municipality_id', 'issuer', 'subject'])
      table.unique(['municipality_id', 'user_id'])
    })
  }

  async down() {
    this.schema.dropTable('staff_upstream_links')
    this.schema.dropTable('staff_sign_in_providers')
  }
}
