import AuditTrail from '#audit/audit_trail'
import type { AuditOutcome, AuditSource } from '#audit/audit_event_input'
import type { AuditAction } from '#audit/audit_vocabulary'

type OidcKoaContext = any

/** What the relying party is told in the audit trail: its client id and the scopes */
function event(
  municipalityId: number,
  ctx: OidcKoaContext,
  action: AuditAction,
  fields: { residentId?: number | null; scope?: string; outcome?: AuditOutcome; grantType?: string }
) {
  return AuditTrail.record({
    municipalityId,
    action,
    outcome: fields.outcome ?? 'success',
    subjectResidentId: fields.residentId ?? null,
    purpose: 'service_linkage',
    source: { channel: 'api', ip: ctx?.ip ?? null, userAgent: ctx?.get?.('user-agent') ?? null },
    destination: ctx?.oidc?.client?.clientId ?? null,
    details: {
      client_id: ctx?.oidc?.client?.clientId ?? null,
      scope: fields.scope ?? null,
      ...(fields.grantType ? { grant_type: fields.grantType } : {}),
    },
  })
}

function residentId(accountId: unknown) {
  return typeof accountId === 'string' && /^\d+$/.test(accountId) ? Number(accountId) : null
}

/**
 * A Koa middleware for a municipality's provider: once oidc-provider has
 * answered a token, revocation or logout request (before the response
 * leaves), the outcome is written to the municipality's audit trail. If
 * that write fails, the request fails.
 */
export function auditOidcRequest(municipalityId: number) {
  return async (ctx: OidcKoaContext, next: () => Promise<void>) => {
    await next()
    const route = ctx.oidc?.route
    if (!route || ctx.status >= 400) return
    const entities = ctx.oidc.entities ?? {}
    if (route === 'token') {
      const grantType = String(ctx.oidc.params?.grant_type ?? '')
      const source = entities.AuthorizationCode ?? entities.RefreshToken
      const issued = entities.AccessToken ?? entities.RefreshToken
      await event(
        municipalityId,
        ctx,
        grantType === 'refresh_token' ? 'oidc.tokens_refreshed' : 'oidc.tokens_issued',
        {
          residentId: residentId(source?.accountId ?? entities.Account?.accountId),
          scope: issued?.scope ?? source?.scope,
          grantType,
        }
      )
    } else if (route === 'revocation') {
      const token = entities.RefreshToken ?? entities.AccessToken
      if (!token) return
      await event(municipalityId, ctx, 'oidc.token_revoked', {
        residentId: residentId(token.accountId),
        scope: token.scope,
      })
    } else if (route === 'end_session_confirm' && entities.Session?.accountId) {
      await event(municipalityId, ctx, 'oidc.signed_out', {
        residentId: residentId(entities.Session.accountId),
      })
    }
  }
}

/** The userinfo endpoint released a resident's claims to a relying party */
export function auditUserinfoRead(
  ctx: OidcKoaContext,
  municipalityId: number,
  resident: number,
  scope: string
) {
  return event(municipalityId, ctx, 'oidc.userinfo_read', { residentId: resident, scope })
}

/** The resident agreed (or refused) to let a relying party have these scopes */
export function auditConsent(input: {
  municipalityId: number
  userId: number
  residentId: number | null
  clientId: string
  scope: string
  given: boolean
  source: AuditSource
}) {
  return AuditTrail.record({
    municipalityId: input.municipalityId,
    action: input.given ? 'oidc.consent_given' : 'oidc.consent_refused',
    outcome: input.given ? 'success' : 'denied',
    actorUserId: input.userId,
    actorRole: 'resident',
    subjectResidentId: input.residentId,
    purpose: 'service_linkage',
    source: input.source,
    destination: input.clientId,
    details: { client_id: input.clientId, scope: input.scope },
  })
}

/** Someone who is no resident of this municipality tried to sign in to its relying party */
export function auditSignInRefused(input: {
  municipalityId: number
  userId: number
  clientId: string
  source: AuditSource
}) {
  return AuditTrail.record({
    municipalityId: input.municipalityId,
    action: 'oidc.sign_in_refused',
    outcome: 'denied',
    actorUserId: input.userId,
    purpose: 'service_linkage',
    source: input.source,
    destination: input.clientId,
    details: { client_id: input.clientId },
  })
}
