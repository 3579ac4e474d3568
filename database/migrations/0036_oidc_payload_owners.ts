import { BaseSchema } from '@adonisjs/lucid/schema'

/**
 * The client and the resident a stored grant or token belongs to, as
 * columns: a service's grants (disabling it) and a resident's (their
 * 連携しているサービス) are found by index, not by searching JSON text.
 */
export default class extends BaseSchema {
  async up() {
    this.schema.alterTable('oidc_payloads', (table) => {
      table.string('client_id', 255).nullable()
      table.string('account_id', 255).nullable()
      table.index(['municipality_id', 'model', 'client_id'])
      table.index(['municipality_id', 'model', 'account_id'])
    })
    this.defer(async (db) => {
      const rows = await db
        .from('oidc_payloads')
        .select('municipality_id', 'model', 'id', 'payload')
      for (const row of rows) {
        const payload = JSON.parse(row.payload) as { clientId?: string; accountId?: string }
        await db
          .from('oidc_payloads')
          .where({ municipality_id: row.municipality_id, model: row.model, id: row.id })
          .update({ client_id: payload.clientId ?? null, account_id: payload.accountId ?? null })
      }
    })
  }

  async down() {
    this.schema.alterTable('oidc_payloads', (table) => {
      table.dropIndex(['municipality_id', 'model', 'client_id'])
      table.dropIndex(['municipality_id', 'model', 'account_id'])
      table.dropColumn('client_id')
      table.dropColumn('account_id')
    })
  }
}
