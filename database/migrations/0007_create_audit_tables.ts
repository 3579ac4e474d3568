import { BaseSchema } from '@adonisjs/lucid/schema'
import { auditImmutabilityFor } from '#database/audit_immutability'

/**
 * The audit trail: one hash chain per municipality (chain_key "m:<id>") and
 * one for platform-level events ("platform"). audit_chain_heads holds each
 * chain's last sequence and hash; appending locks that row, so concurrent
 * appends form one unbroken chain.
 */
export default class extends BaseSchema {
  async up() {
    this.schema.createTable('audit_chain_heads', (table) => {
      table.string('chain_key', 32).primary()
      table.integer('last_sequence').notNullable().defaultTo(0)
      table.string('last_hash', 64).notNullable()
    })

    this.schema.createTable('audit_events', (table) => {
      table.bigIncrements('id')
      table.string('chain_key', 32).notNullable()
      table.integer('sequence').notNullable()
      table
        .integer('municipality_id')
        .unsigned()
        .nullable()
        .references('municipalities.id')
        .onDelete('RESTRICT')
      table.timestamp('occurred_at', { useTz: true }).notNullable()
      table.string('action', 80).notNullable()
      table.string('outcome', 16).notNullable()
      table.integer('actor_user_id').unsigned().nullable()
      table.string('actor_role', 32).nullable()
      table.integer('subject_resident_id').unsigned().nullable()
      table.string('purpose', 120).nullable()
      table.string('source_ip', 64).nullable()
      table.string('source_user_agent', 300).nullable()
      table.string('source_channel', 16).notNullable()
      table.string('destination', 200).nullable()
      table.text('details').notNullable()
      table.string('prev_hash', 64).notNullable()
      table.string('hash', 64).notNullable()
      table.unique(['chain_key', 'sequence'])
      table.index(['municipality_id', 'occurred_at'])
      table.index(['municipality_id', 'subject_resident_id'])
      table.index(['municipality_id', 'actor_user_id'])
      table.index(['municipality_id', 'action'])
    })

    this.defer(async (client) => {
      for (const statement of auditImmutabilityFor(client.dialect.name).create) {
        await client.rawQuery(statement)
      }
    })
  }

  async down() {
    // Dropping the table drops its triggers; only PostgreSQL's function stays.
    this.schema.dropTable('audit_events')
    this.schema.dropTable('audit_chain_heads')
    this.defer(async (client) => {
      if (client.dialect.name === 'postgres') {
        await client.rawQuery('DROP FUNCTION IF EXISTS audit_events_refuse_change()')
      }
    })
  }
}
