import { BaseSchema } from '@adonisjs/lucid/schema'

/**
 * Tomoni as each municipality's OpenID Provider (issue 19): the
 * oidc-provider storage (sessions, grants, codes, tokens), the relying
 * parties registered by a municipality, and the signing keys (private
 * parts encrypted with APP_KEY).
 */
export default class extends BaseSchema {
  async up() {
    this.schema.createTable('oidc_payloads', (table) => {
      table.string('id', 255).notNullable()
      table.string('model', 60).notNullable()
      table.integer('municipality_id').unsigned().notNullable().references('municipalities.id')
      table.text('payload').notNullable()
      table.string('grant_id', 255).nullable()
      table.string('user_code', 255).nullable()
      table.string('uid', 255).nullable()
      table.timestamp('expires_at', { useTz: true }).nullable()
      table.timestamp('consumed_at', { useTz: true }).nullable()
      table.primary(['municipality_id', 'model', 'id'])
      table.index(['municipality_id', 'grant_id'])
      table.index(['municipality_id', 'uid'])
      table.index(['expires_at'])
    })

    this.schema.createTable('oidc_clients', (table) => {
      table.increments('id')
      table.integer('municipality_id').unsigned().notNullable().references('municipalities.id')
      table.string('client_id', 100).notNullable().unique()
      table.string('name', 200).notNullable()
      table.string('logo_text', 20).nullable()
      // JSON arrays of strings
      table.text('redirect_uris').notNullable()
      table.text('post_logout_redirect_uris').notNullable()
      table.text('allowed_scopes').notNullable()
      table.string('type', 20).notNullable()
      // sha256 of the secret (a confidential client's), never the secret
      table.string('secret_hash', 64).nullable()
      table.string('backchannel_logout_uri', 2000).nullable()
      table.timestamp('disabled_at', { useTz: true }).nullable()
      table.timestamp('created_at', { useTz: true }).notNullable()
      table.timestamp('updated_at', { useTz: true }).notNullable()
      table.index(['municipality_id'])
    })

    this.schema.createTable('oidc_signing_keys', (table) => {
      table.increments('id')
      table.string('kid', 100).notNullable().unique()
      table.string('alg', 10).notNullable()
      // The private JWK, encrypted with APP_KEY
      table.text('private_jwk').notNullable()
      // Set when a newer key took over: still published until its tokens expired
      table.timestamp('retired_at', { useTz: true }).nullable()
      table.timestamp('created_at', { useTz: true }).notNullable()
    })
  }

  async down() {
    this.schema.dropTable('oidc_signing_keys')
    this.schema.dropTable('oidc_clients')
    this.schema.dropTable('oidc_payloads')
  }
}
