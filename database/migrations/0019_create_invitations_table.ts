import { BaseSchema } from '@adonisjs/lucid/schema'

/**
 * Invitations to a role (a municipality's administrator, a provider's
 * staff) that the invitee accepts from the mailed link while signed in
 * with the invited address. Until then no membership exists and nothing
 * of any account at that address is read. The link carries the secret;
 * only its SHA-256 is kept.
 */
export default class extends BaseSchema {
  async up() {
    this.schema.createTable('invitations', (table) => {
      table.increments('id')
      table
        .integer('municipality_id')
        .unsigned()
        .notNullable()
        .references('municipalities.id')
        .onDelete('CASCADE')
      table
        .integer('provider_id')
        .unsigned()
        .nullable()
        .references('providers.id')
        .onDelete('CASCADE')
      table.string('role', 40).notNullable()
      table.string('email', 254).notNullable()
      table.string('full_name', 200).notNullable()
      table.string('locale', 10).notNullable()
      table.string('token_hash', 64).notNullable().unique()
      table.integer('invited_by_user_id').unsigned().nullable().references('users.id')
      table.string('invited_by_role', 40).nullable()
      table.timestamp('expires_at', { useTz: true }).notNullable()
      table.timestamp('accepted_at', { useTz: true }).nullable()
      table.integer('accepted_by_user_id').unsigned().nullable().references('users.id')
      table.timestamp('revoked_at', { useTz: true }).nullable()
      table.timestamp('created_at', { useTz: true }).notNullable()
      table.timestamp('updated_at', { useTz: true }).notNullable()
      table.index(['municipality_id', 'provider_id', 'email'])
    })
  }

  async down() {
    this.schema.dropTable('invitations')
  }
}
