import { appendFile, mkdir, readFile } from 'node:fs/promises'
import { join } from 'node:path'
import app from '@adonisjs/core/services/app'
import db from '@adonisjs/lucid/services/db'
import env from '#start/env'
import { municipalityIdOfChain } from '#audit/audit_event_input'

/**
 * A chain head as exported: the chain (and its municipality's code), the
 * last sequence and its hash, and when it was exported.
 */
export type AuditAnchor = {
  chainKey: string
  tenant: string | null
  sequence: number
  hash: string
  exportedAt: string
}

const FILE_NAME = 'audit_anchors.jsonl'

/**
 * The audit chain's heads, exported on a schedule to an append-only file
 * outside the database (AUDIT_ANCHOR_DIR, default storage/audit_anchors;
 * copy it off the machine too). Whoever rewrites the tail of a chain and
 * its head in the database cannot rewrite what was exported before:
 * audit:verify checks every chain against its last exported head.
 */
export default class AuditAnchors {
  /** Tests point this at their own directory */
  static directoryOverride: string | null = null

  static directory() {
    if (this.directoryOverride) return this.directoryOverride
    const configured = env.get('AUDIT_ANCHOR_DIR')
    if (configured) return app.makePath(configured)
    // Test runs roll their chains back: their heads never go to the real file.
    if (app.inTest) return app.tmpPath(`audit_anchors_test_${process.pid}`)
    return app.makePath('storage', 'audit_anchors')
  }

  static file() {
    return join(this.directory(), FILE_NAME)
  }

  /**
   * Appends every chain head that moved since its last export (one JSON
   * line each) and returns what was written.
   */
  static async export(): Promise<AuditAnchor[]> {
    const latest = await this.latest()
    const heads = await db
      .from('audit_chain_heads')
      .where('last_sequence', '>', 0)
      .orderBy('chain_key')
    const ids = heads
      .map((head) => municipalityIdOfChain(head.chain_key))
      .filter((id) => id !== null)
    const municipalities = await db.from('municipalities').whereIn('id', ids).select('id', 'code')
    const codes = new Map(municipalities.map((row) => [Number(row.id), String(row.code)]))
    const exportedAt = new Date().toISOString()
    const anchors: AuditAnchor[] = heads
      .map((head) => ({
        chainKey: String(head.chain_key),
        tenant: codes.get(municipalityIdOfChain(head.chain_key) ?? 0) ?? null,
        sequence: Number(head.last_sequence),
        hash: String(head.last_hash),
        exportedAt,
      }))
      .filter((anchor) => {
        const previous = latest.get(anchor.chainKey)
        return !previous || previous.sequence !== anchor.sequence || previous.hash !== anchor.hash
      })
    if (anchors.length === 0) return []
    await mkdir(this.directory(), { recursive: true, mode: 0o700 })
    const lines = anchors.map((anchor) => JSON.stringify(anchor) + '\n').join('')
    await appendFile(this.file(), lines, { mode: 0o600, flag: 'a' })
    return anchors
  }

  /** The last exported head of each chain (none when nothing was exported yet) */
  static async latest(): Promise<Map<string, AuditAnchor>> {
    let text: string
    try {
      text = await readFile(this.file(), 'utf8')
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return new Map()
      throw error
    }
    const latest = new Map<string, AuditAnchor>()
    text.split('\n').forEach((line, index) => {
      if (line.trim() === '') return
      let anchor: AuditAnchor
      try {
        anchor = JSON.parse(line)
      } catch {
        throw new Error(`${this.file()} line ${index + 1} is not an exported chain head`)
      }
      latest.set(anchor.chainKey, anchor)
    })
    return latest
  }
}
