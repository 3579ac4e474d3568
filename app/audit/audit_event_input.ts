/**
 * What an audit event says: who (actor, role), in which municipality, about
 * whom (subject resident), did what (action, outcome), why (purpose), from
 * where (source) and to where (destination: screen, file, API client).
 */
import type { AuditAction, AuditPurpose } from '#audit/audit_vocabulary'

export type AuditOutcome = 'success' | 'denied' | 'failure'

export type AuditSource = {
  channel: 'web' | 'cli' | 'job' | 'api'
  ip?: string | null
  userAgent?: string | null
}

export type AuditEventInput = {
  municipalityId: number | null
  action: AuditAction
  outcome?: AuditOutcome
  actorUserId?: number | null
  actorRole?: string | null
  subjectResidentId?: number | null
  purpose?: AuditPurpose | null
  source: AuditSource
  destination?: string | null
  /** Identifiers and counts only; never names, addresses or free text */
  details?: Record<string, unknown>
}

export const GENESIS_HASH = '0'.repeat(64)

export function chainKeyFor(municipalityId: number | null) {
  return municipalityId === null ? 'platform' : `m:${municipalityId}`
}

/** The municipality of a chain key ("m:<id>"), null for the platform chain */
export function municipalityIdOfChain(chainKey: string): number | null {
  return chainKey.startsWith('m:') ? Number(chainKey.slice(2)) : null
}
