import db from '@adonisjs/lucid/services/db'
import type { TransactionClientContract } from '@adonisjs/lucid/types/database'
import {
  type AuditEventInput,
  GENESIS_HASH,
  chainKeyFor,
  municipalityIdOfChain,
} from '#audit/audit_event_input'
import { KEYED, auditRowHash, canonicalJson } from '#audit/audit_hash'
import { auditHmacKey } from '#audit/audit_key'

const MAX_USER_AGENT = 300

/**
 * Appends events to the hash-chained, append-only audit trail. Each link
 * is an HMAC under AUDIT_HMAC_KEY, a key the database never holds.
 *
 * Pass the transaction of the operation being recorded: the event commits
 * or rolls back with it, and if the audit write fails the operation fails
 * (fail closed). Appends to one chain are serialized by locking its head
 * row, so concurrent requests still form one unbroken chain.
 */
export default class AuditTrail {
  static async record(input: AuditEventInput, trx?: TransactionClientContract) {
    if (trx) return this.#append(input, trx)
    return db.transaction((ownTrx) => this.#append(input, ownTrx))
  }

  /**
   * Events written before the chain was keyed keep their bare SHA-256
   * links. Each chain that ends with such an event gets one keyed event,
   * `audit.chain_keyed`, binding everything before it to the key (run by
   * the migration that keyed the trail). Returns the chains keyed.
   */
  static async keyUnkeyedChains(trx: TransactionClientContract) {
    const heads = await trx.from('audit_chain_heads').where('last_sequence', '>', 0)
    const keyed: string[] = []
    for (const head of heads) {
      const last = await trx
        .from('audit_events')
        .where({ chain_key: head.chain_key, sequence: head.last_sequence })
        .first()
      if (last?.hash_algorithm === KEYED) continue
      await this.#append(
        {
          municipalityId: municipalityIdOfChain(head.chain_key),
          action: 'audit.chain_keyed',
          source: { channel: 'cli' },
          details: { unkeyed_events: Number(head.last_sequence) },
        },
        trx
      )
      keyed.push(String(head.chain_key))
    }
    return keyed
  }

  static async #append(input: AuditEventInput, trx: TransactionClientContract) {
    const chainKey = chainKeyFor(input.municipalityId)

    await trx
      .table('audit_chain_heads')
      .insert({ chain_key: chainKey, last_sequence: 0, last_hash: GENESIS_HASH })
      .onConflict('chain_key')
      .ignore()
    // The UPDATE takes the row lock (PostgreSQL) or the write lock (SQLite)
    // before we read the head: no two appends can read the same head.
    await trx.from('audit_chain_heads').where('chain_key', chainKey).increment('last_sequence', 1)
    const head = await trx.from('audit_chain_heads').where('chain_key', chainKey).firstOrFail()

    const occurredAt = new Date()
    const row = {
      chain_key: chainKey,
      sequence: Number(head.last_sequence),
      municipality_id: input.municipalityId,
      occurred_at: occurredAt,
      action: input.action,
      outcome: input.outcome ?? 'success',
      actor_user_id: input.actorUserId ?? null,
      actor_role: input.actorRole ?? null,
      subject_resident_id: input.subjectResidentId ?? null,
      purpose: input.purpose ?? null,
      source_ip: input.source.ip ?? null,
      source_user_agent: input.source.userAgent?.slice(0, MAX_USER_AGENT) ?? null,
      source_channel: input.source.channel,
      destination: input.destination ?? null,
      details: canonicalJson(input.details ?? {}),
    }
    const prevHash = head.last_hash as string
    const hash = auditRowHash(prevHash, row, auditHmacKey())

    await trx
      .table('audit_events')
      .insert({ ...row, prev_hash: prevHash, hash, hash_algorithm: KEYED })
    await trx.from('audit_chain_heads').where('chain_key', chainKey).update({ last_hash: hash })
    return { chainKey, sequence: row.sequence, hash }
  }
}
