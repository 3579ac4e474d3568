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
import { updateReturning } from '#shared/update_returning'

const MAX_USER_AGENT = 300

/** The events a transaction recorded, appended when it commits */
const pending = new WeakMap<TransactionClientContract, AuditEventInput[]>()

/**
 * Appends events to the hash-chained, append-only audit trail. Each link
 * is an HMAC under AUDIT_HMAC_KEY, a key the database never holds.
 *
 * Pass the transaction of the operation being recorded: the event commits
 * or rolls back with it, and if the audit write fails the operation fails
 * (fail closed). The events of a transaction are appended when it commits,
 * all together and in the order they were recorded: the chain's head row
 * is locked by the last statements before COMMIT, so concurrent requests
 * of one municipality wait on each other only for those, and still form
 * one unbroken chain.
 */
export default class AuditTrail {
  static async record(input: AuditEventInput, trx?: TransactionClientContract) {
    if (!trx) {
      await db.transaction((ownTrx) => this.#append([input], ownTrx))
      return
    }
    // A finished transaction would never append the event: fail loudly.
    if (trx.isCompleted) throw new Error('audit event recorded on a finished transaction')
    const queued = pending.get(trx)
    if (queued) {
      queued.push(input)
      return
    }
    pending.set(trx, [input])
    // Lucid has no hook before a commit: the transaction's own commit
    // appends first. An append that fails fails the commit, and the
    // transaction is rolled back (a managed transaction does that itself).
    const commit = trx.commit.bind(trx)
    trx.commit = async () => {
      const events = pending.get(trx) ?? []
      pending.delete(trx)
      await this.#append(events, trx)
      await commit()
    }
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
        [
          {
            municipalityId: municipalityIdOfChain(head.chain_key),
            action: 'audit.chain_keyed',
            source: { channel: 'cli' },
            details: { unkeyed_events: Number(head.last_sequence) },
          },
        ],
        trx
      )
      keyed.push(String(head.chain_key))
    }
    return keyed
  }

  /**
   * Appends the events, in order, chain by chain (chains in key order, so
   * two transactions never lock two heads in opposite orders): one
   * statement locks and advances a head, one writes its events.
   */
  static async #append(events: AuditEventInput[], trx: TransactionClientContract) {
    const byChain = new Map<string, AuditEventInput[]>()
    for (const input of events) {
      const chainKey = chainKeyFor(input.municipalityId)
      byChain.set(chainKey, [...(byChain.get(chainKey) ?? []), input])
    }
    for (const chainKey of [...byChain.keys()].sort()) {
      await this.#appendToChain(chainKey, byChain.get(chainKey)!, trx)
    }
  }

  static async #appendToChain(
    chainKey: string,
    events: AuditEventInput[],
    trx: TransactionClientContract
  ) {
    const head = await this.#advanceHead(chainKey, events.length, trx)
    const key = auditHmacKey()
    const occurredAt = new Date()
    let sequence = Number(head.last_sequence) - events.length
    let prevHash = String(head.last_hash)
    const rows = events.map((input) => {
      const row = {
        chain_key: chainKey,
        sequence: ++sequence,
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
      const hash = auditRowHash(prevHash, row, key)
      const stored = { ...row, prev_hash: prevHash, hash, hash_algorithm: KEYED }
      prevHash = hash
      return stored
    })

    const insert = trx.table('audit_events').insert(rows)
    if (trx.dialect.name === 'postgres') {
      // One round trip while the head is locked: the rows and the new head together.
      // (Knex's raw query, whose bindings may be null as the rows' are.)
      const { sql, bindings } = insert.toSQL()
      await trx
        .getWriteClient()
        .raw(
          `WITH appended AS (${sql}) UPDATE audit_chain_heads SET last_hash = ? WHERE chain_key = ?`,
          [...bindings, prevHash, chainKey]
        )
    } else {
      await insert
      await trx
        .from('audit_chain_heads')
        .where('chain_key', chainKey)
        .update({ last_hash: prevHash })
    }
  }

  /**
   * Locks the chain's head row (PostgreSQL: its row lock; SQLite: the
   * write lock) and moves its sequence on by `count` in one statement,
   * answering the new last sequence and the hash the events link to. No
   * two appends can read the same head. A chain's first event creates it.
   */
  static async #advanceHead(chainKey: string, count: number, trx: TransactionClientContract) {
    const advance = async () => {
      const [head] = await updateReturning<{ last_sequence: number; last_hash: string }>(
        trx,
        'audit_chain_heads',
        { chain_key: chainKey },
        { last_sequence: trx.knexRawQuery('last_sequence + ?', [count]) },
        ['last_sequence', 'last_hash']
      )
      return head
    }
    const head = await advance()
    if (head) return head
    await trx
      .table('audit_chain_heads')
      .insert({ chain_key: chainKey, last_sequence: 0, last_hash: GENESIS_HASH })
      .onConflict('chain_key')
      .ignore()
    return (await advance())!
  }
}
