import { BaseSchema } from '@adonisjs/lucid/schema'

/**
 * Issue 17 (11): a confirmation mail sent from a page that was waiting
 * (a visit QR opened while signed out) leads back to it. The path is kept
 * with the token, on the server, never in the link.
 */
export default class extends BaseSchema {
  async up() {
    this.schema.alterTable('account_tokens', (table) => {
      table.string('return_path', 2000).nullable()
    })
  }

  async down() {
    this.schema.alterTable('account_tokens', (table) => {
      table.dropColumn('return_path')
    })
  }
}
