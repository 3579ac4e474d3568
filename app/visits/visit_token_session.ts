import type { HttpContext } from '@adonisjs/core/http'
import type { ProviderVisitToken } from '#visits/provider_visits'
import { recordStaffEvent } from '#audit/staff_action'

/**
 * The plain visit tokens a provider's session keeps. The token is known
 * only when it is issued (the table keeps its SHA-256): the plain token
 * stays in the session that started the visit, for its ten minutes, so
 * only that device shows the QR, and it is never part of an address.
 */

/** Plain visit tokens kept for the device that started them, by token id */
type KeptTokens = Record<string, { token: string; shortCode: string; expiresAt: string }>
const TOKENS_KEY = 'provider_visits.tokens'
/** Token ids whose confirmation (the resident's name) this session has already put on record */
const SEEN_KEY = 'provider_visits.seen'

export function keptTokens(ctx: HttpContext): KeptTokens {
  const kept = ctx.session.get(TOKENS_KEY)
  return kept && typeof kept === 'object' ? (kept as KeptTokens) : {}
}

/** Keeps the new token for this session, and drops the ones that have expired */
export function keepToken(
  ctx: HttpContext,
  issued: { id: number; token: string; shortCode: string; expiresAt: Date }
) {
  const now = Date.now()
  const kept = Object.fromEntries(
    Object.entries(keptTokens(ctx)).filter(([, entry]) => Date.parse(entry.expiresAt) > now)
  )
  kept[String(issued.id)] = {
    token: issued.token,
    shortCode: issued.shortCode,
    expiresAt: issued.expiresAt.toISOString(),
  }
  ctx.session.put(TOKENS_KEY, kept)
}

/**
 * Once the resident has confirmed, the page shows their name: personal
 * data, put on record once per visit and session (the page polls).
 */
export async function recordConfirmationSeen(ctx: HttpContext, visit: ProviderVisitToken) {
  const seen = ctx.session.get(SEEN_KEY)
  const list: number[] = Array.isArray(seen) ? seen.map(Number) : []
  if (list.includes(visit.id)) return
  await recordStaffEvent(ctx, {
    action: 'visit.confirmation_viewed',
    purpose: 'provider_visit',
    subjectResidentId: visit.residentId,
    details: { visit_token_id: visit.id, redemption_id: visit.redemptionId },
  })
  ctx.session.put(SEEN_KEY, [...list.slice(-49), visit.id])
  // The token has done its work: forget it.
  const kept = keptTokens(ctx)
  if (kept[String(visit.id)]) {
    delete kept[String(visit.id)]
    ctx.session.put(TOKENS_KEY, kept)
  }
}
