import { BaseSchema } from '@adonisjs/lucid/schema'

/**
 * TOTP second factor (required for municipal and provider staff and
 * operators): the secret encrypted with APP_KEY, the last accepted time
 * step (a code works once), and hashed single-use recovery codes.
 */
export default class extends BaseSchema {
  async up() {
    this.schema.alterTable('users', (table) => {
      table.text('totp_secret').nullable()
      table.timestamp('totp_enabled_at').nullable()
      table.bigInteger('totp_last_step').nullable()
    })
    this.schema.createTable('recovery_codes', (table) => {
      table.increments('id')
      table.integer('user_id').unsigned().notNullable().references('users.id').onDelete('CASCADE')
      table.string('code_hash', 64).notNullable().unique()
      table.timestamp('used_at').nullable()
      table.timestamp('created_at').notNullable()
    })
  }

  async down() {
    this.schema.dropTable('recovery_codes')
    this.schema.alterTable('users', (table) => {
      table.dropColumn('totp_secret')
      table.dropColumn('totp_enabled_at')
      table.dropColumn('totp_last_step')
    })
  }
}
