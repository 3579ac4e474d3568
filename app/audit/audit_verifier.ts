import type { KeyObject } from 'node:crypto'
import db from '@adonisjs/lucid/services/db'
import type { TransactionClientContract } from '@adonisjs/lucid/types/database'
import { GENESIS_HASH } from '#audit/audit_event_input'
import { KEYED, auditRowHash, hmacKeyObject, linkedHash } from '#audit/audit_hash'
import { auditHmacKey } from '#audit/audit_key'
import AuditAnchors, { type AuditAnchor } from '#audit/audit_anchors'
import { chainRows, storedChainRow } from '#audit/audit_chain_rows'

export type ChainBreak = {
  chainKey: string
  eventId: string | null
  sequence: number
  reason: 'changed' | 'removed' | 'reordered' | 'head_mismatch' | 'unkeyed' | 'anchor_mismatch'
  message: string
}

export type ChainReport = {
  chainKey: string
  events: number
  firstBreak: ChainBreak | null
  anchor?: AuditAnchor
}

export type VerifyOptions = {
  /** The HMAC key (AUDIT_HMAC_KEY unless given) */
  key?: string
  /** The last exported head of each chain (read from the anchor file unless given) */
  anchors?: Map<string, AuditAnchor>
}

/**
 * Recomputes hash chains from the stored rows and names the first broken
 * link of each: a changed row (its hash no longer matches), a removed row
 * (a gap in the sequence, or a head that is ahead of the last row), or
 * reordered rows (prev_hash does not match the row before), an unkeyed
 * link where only keyed ones may be (after a keyed event, or at the end of
 * a chain), or a chain that no longer holds its last exported head (the
 * tail and the head rewritten together).
 *
 * Each chain is read in one transaction, streamed in sequence order
 * (chainRows), each row hashed from the canonical text the database built;
 * a row whose link does not match that way is hashed again from its own
 * columns (canonicalText is the definition) before it is called changed.
 */
export default class AuditVerifier {
  static async verifyAll(
    chainKeys?: string[],
    options: VerifyOptions = {}
  ): Promise<ChainReport[]> {
    const anchors = options.anchors ?? (await AuditAnchors.latest())
    let keys = chainKeys
    if (!keys) {
      const heads = await db.from('audit_chain_heads').select('chain_key').orderBy('chain_key')
      // A chain removed with its head is still named by its exported head.
      keys = [...new Set([...heads.map((row) => row.chain_key as string), ...anchors.keys()])]
    }
    const reports: ChainReport[] = []
    for (const chainKey of keys) {
      reports.push(await this.verifyChain(chainKey, { ...options, anchors }))
    }
    return reports
  }

  static async verifyChain(chainKey: string, options: VerifyOptions = {}): Promise<ChainReport> {
    const key = options.key ?? auditHmacKey()
    const anchor = (options.anchors ?? (await AuditAnchors.latest())).get(chainKey)
    return db.transaction((trx) => this.#verifyChain(trx, chainKey, hmacKeyObject(key), anchor))
  }

  static async #verifyChain(
    trx: TransactionClientContract,
    chainKey: string,
    key: KeyObject,
    anchor: AuditAnchor | undefined
  ): Promise<ChainReport> {
    const head = await trx.from('audit_chain_heads').where('chain_key', chainKey).first()
    let expectedSequence = 1
    let previousHash = GENESIS_HASH
    let events = 0
    let keyed = false
    let hashAtAnchor: string | null = null

    const broken = (
      eventId: unknown,
      sequence: number,
      reason: ChainBreak['reason'],
      message: string
    ): ChainReport => ({
      chainKey,
      events,
      firstBreak: {
        chainKey,
        eventId: eventId === null ? null : String(eventId),
        sequence,
        reason,
        message,
      },
    })

    for await (const rows of chainRows(trx, chainKey)) {
      for (const row of rows) {
        const sequence = Number(row.sequence)
        if (sequence !== expectedSequence) {
          return broken(
            row.id,
            expectedSequence,
            'removed',
            `event #${expectedSequence} is missing (next is #${sequence}, id ${row.id}): an event was removed`
          )
        }
        if (row.prev_hash !== previousHash) {
          return broken(
            row.id,
            sequence,
            'reordered',
            `event #${sequence} (id ${row.id}) does not follow event #${sequence - 1}: rows were reordered or replaced`
          )
        }
        const rowKeyed = row.hash_algorithm === KEYED
        if (keyed && !rowKeyed) {
          return broken(
            row.id,
            sequence,
            'unkeyed',
            `event #${sequence} (id ${row.id}) is not keyed but follows keyed events: it was forged`
          )
        }
        keyed = rowKeyed
        const linkKey = rowKeyed ? key : null
        const linked =
          row.canonical_text !== null &&
          linkedHash(previousHash, row.canonical_text, linkKey) === row.hash
        if (
          !linked &&
          auditRowHash(previousHash, await storedChainRow(trx, row.id), linkKey) !== row.hash
        ) {
          return broken(
            row.id,
            sequence,
            'changed',
            `event #${sequence} (id ${row.id}) does not match its hash: the row was changed`
          )
        }
        if (anchor && sequence === anchor.sequence) hashAtAnchor = row.hash
        previousHash = row.hash
        expectedSequence++
        events++
      }
    }

    const headSequence = head ? Number(head.last_sequence) : 0
    const headHash = head ? head.last_hash : GENESIS_HASH
    if (headSequence !== events || headHash !== previousHash) {
      return broken(
        null,
        events + 1,
        'head_mismatch',
        `the chain records ${headSequence} events but ${events} remain: events after #${events} were removed`
      )
    }
    if (events > 0 && !keyed) {
      return broken(
        null,
        events,
        'unkeyed',
        `the chain ends with event #${events}, which is not keyed: events were rewritten without the key`
      )
    }
    if (anchor && (events < anchor.sequence || hashAtAnchor !== anchor.hash)) {
      const exported = `the head exported at ${anchor.exportedAt} (event #${anchor.sequence}, hash ${anchor.hash.slice(0, 12)}…)`
      return broken(
        null,
        anchor.sequence,
        'anchor_mismatch',
        events < anchor.sequence
          ? `the chain has ${events} events but ${exported} was later: events were removed`
          : `event #${anchor.sequence} no longer matches ${exported}: the chain was rewritten`
      )
    }
    return { chainKey, events, firstBreak: null, ...(anchor ? { anchor } : {}) }
  }
}
