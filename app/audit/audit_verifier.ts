import db from '@adonisjs/lucid/services/db'
import { GENESIS_HASH } from '#audit/audit_event_input'
import { auditHash, canonicalRow } from '#audit/audit_hash'

export type ChainBreak = {
  chainKey: string
  eventId: string | null
  sequence: number
  reason: 'changed' | 'removed' | 'reordered' | 'head_mismatch'
  message: string
}

export type ChainReport = { chainKey: string; events: number; firstBreak: ChainBreak | null }

const PAGE = 1000

/**
 * Recomputes hash chains from the stored rows and names the first broken
 * link of each: a changed row (its hash no longer matches), a removed row
 * (a gap in the sequence, or a head that is ahead of the last row), or
 * reordered rows (prev_hash does not match the row before).
 */
export default class AuditVerifier {
  static async verifyAll(chainKeys?: string[]): Promise<ChainReport[]> {
    let keys = chainKeys
    if (!keys) {
      const heads = await db.from('audit_chain_heads').select('chain_key').orderBy('chain_key')
      keys = heads.map((row) => row.chain_key as string)
    }
    const reports: ChainReport[] = []
    for (const chainKey of keys) reports.push(await this.verifyChain(chainKey))
    return reports
  }

  static async verifyChain(chainKey: string): Promise<ChainReport> {
    const head = await db.from('audit_chain_heads').where('chain_key', chainKey).first()
    let expectedSequence = 1
    let previousHash = GENESIS_HASH
    let events = 0

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

    for (let lastSequence = 0; ;) {
      const rows = await db
        .from('audit_events')
        .where('chain_key', chainKey)
        .where('sequence', '>', lastSequence)
        .orderBy('sequence')
        .limit(PAGE)
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
        if (auditHash(row.prev_hash, canonicalRow(row)) !== row.hash) {
          return broken(
            row.id,
            sequence,
            'changed',
            `event #${sequence} (id ${row.id}) does not match its hash: the row was changed`
          )
        }
        previousHash = row.hash
        expectedSequence++
        events++
      }
      if (rows.length < PAGE) break
      lastSequence = Number(rows[rows.length - 1].sequence)
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
    return { chainKey, events, firstBreak: null }
  }
}
