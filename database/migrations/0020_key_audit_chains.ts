import { BaseSchema } from '@adonisjs/lucid/schema'
import type { TransactionClientContract } from '@adonisjs/lucid/types/database'
import AuditTrail from '#audit/audit_trail'
import { auditImmutabilityFor } from '#database/audit_immutability'

/**
 * The audit chain becomes keyed (HMAC-SHA256 under AUDIT_HMAC_KEY). Events
 * already written keep their bare SHA-256 links (hash_algorithm null) and
 * still verify; each existing chain then gets one keyed event,
 * `audit.chain_keyed`, which binds everything before it to the key. From
 * there on every event is keyed, and audit:verify refuses an unkeyed event
 * after a keyed one or a chain that ends unkeyed.
 */
export default class extends BaseSchema {
  async up() {
    this.schema.alterTable('audit_events', (table) => {
      table.string('hash_algorithm', 16).nullable()
    })

    this.defer(async (client) => {
      await AuditTrail.keyUnkeyedChains(client as TransactionClientContract)
    })
  }

  async down() {
    this.schema.alterTable('audit_events', (table) => {
      table.dropColumn('hash_algorithm')
    })
    // SQLite drops a column by copying the table: the append-only triggers
    // are put back on the copy.
    this.defer(async (client) => {
      if (client.dialect.name === 'postgres') return
      const immutability = auditImmutabilityFor(client.dialect.name)
      for (const statement of [...immutability.drop, ...immutability.create]) {
        await client.rawQuery(statement)
      }
    })
  }
}
