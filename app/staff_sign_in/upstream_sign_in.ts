import type { HttpContext } from '@adonisjs/core/http'
import encryption from '@adonisjs/core/services/encryption'
import { DateTime } from 'luxon'
import * as oidc from 'openid-client'
import env from '#start/env'
import User from '#identity/user'
import Membership from '#identity/membership'
import type Municipality from '#tenancy/municipality'
import AuditTrail from '#audit/audit_trail'
import { httpAuditSource, httpDestination } from '#audit/http_audit_source'
import { isUniqueViolation } from '#shared/unique_violation'
import StaffSignInProvider from '#staff_sign_in/staff_sign_in_provider'
import StaffUpstreamLink from '#staff_sign_in/staff_upstream_link'
import { connectUpstream, UpstreamUnusable } from '#staff_sign_in/upstream_client'
import { upstreamAssertsMfa } from '#staff_sign_in/upstream_mfa'

const FLOW_KEY = 'staff_sign_in_flow'
const FLOW_MINUTES = 10

/** The roles of a municipality's own staff, who may sign in through its provider */
export const MUNICIPAL_STAFF_ROLES = ['municipal_admin', 'municipal_staff'] as const

type Flow = {
  municipalityId: number
  state: string
  nonce: string
  verifier: string
  startedAt: number
}

/**
 * Why a sign-in through the municipality's provider ended without a
 * session: the provider is down or misconfigured, the provider refused
 * (e.g. the account is gone there), the answer did not belong to the
 * sign-in this browser started (state, nonce, PKCE), or no staff account
 * of this municipality matches.
 */
export type UpstreamRefusal =
  'unavailable' | 'upstream_refused' | 'invalid_response' | 'expired' | 'no_staff_account'

export type UpstreamOutcome =
  { status: 'signed_in'; user: User; mfa: boolean } | { status: 'refused'; reason: UpstreamRefusal }

/**
 * Staff sign-in through the municipality's own OpenID Provider, as a
 * relying party (openid-client): authorization code with PKCE (S256),
 * state and nonce kept in this browser's session; the answer's claim is
 * matched to a staff account of the municipality.
 */
export default class UpstreamSignIn {
  static providerOf(municipality: Municipality) {
    return StaffSignInProvider.findBy('municipalityId', municipality.id)
  }

  static redirectUri(municipality: Municipality) {
    return new URL(
      `/staff-sign-in/${encodeURIComponent(municipality.slug)}/callback`,
      env.get('APP_URL')
    ).href
  }

  /** Where to send the browser: the provider's authorization endpoint */
  static async begin(ctx: HttpContext, municipality: Municipality, provider: StaffSignInProvider) {
    const config = await connect(provider)
    const flow: Flow = {
      municipalityId: municipality.id,
      state: oidc.randomState(),
      nonce: oidc.randomNonce(),
      verifier: oidc.randomPKCECodeVerifier(),
      startedAt: Date.now(),
    }
    ctx.session.put(FLOW_KEY, flow)
    return oidc.buildAuthorizationUrl(config, {
      redirect_uri: this.redirectUri(municipality),
      scope: scopeFor(provider.identifierClaim),
      response_type: 'code',
      code_challenge: await oidc.calculatePKCECodeChallenge(flow.verifier),
      code_challenge_method: 'S256',
      state: flow.state,
      nonce: flow.nonce,
    })
  }

  /** The provider's answer (the callback): a staff account, or a refusal, audited */
  static async finish(
    ctx: HttpContext,
    municipality: Municipality,
    provider: StaffSignInProvider
  ): Promise<UpstreamOutcome> {
    const flow = ctx.session.pull(FLOW_KEY) as Flow | undefined
    const refuse = async (reason: UpstreamRefusal, userId: number | null = null) => {
      await AuditTrail.record({
        municipalityId: municipality.id,
        action: 'auth.upstream.refused',
        outcome: 'denied',
        actorUserId: userId,
        source: httpAuditSource(ctx),
        destination: httpDestination(ctx),
        details: { reason },
      })
      return { status: 'refused', reason } as const
    }
    if (
      !flow ||
      flow.municipalityId !== municipality.id ||
      Date.now() - flow.startedAt > FLOW_MINUTES * 60_000
    ) {
      return refuse('expired')
    }

    let config: oidc.Configuration
    try {
      config = await connect(provider)
    } catch (error) {
      if (error instanceof UpstreamUnusable) return refuse('unavailable')
      throw error
    }

    let claims: Record<string, unknown>
    try {
      const answer = new URL(this.redirectUri(municipality))
      answer.search = new URL(ctx.request.url(true), answer).search
      const tokens = await oidc.authorizationCodeGrant(config, answer, {
        pkceCodeVerifier: flow.verifier,
        expectedState: flow.state,
        expectedNonce: flow.nonce,
        idTokenExpected: true,
      })
      claims = { ...tokens.claims()! }
      if (claims[provider.identifierClaim] === undefined && tokens.access_token) {
        const userinfo = await oidc.fetchUserInfo(config, tokens.access_token, String(claims.sub))
        claims = { ...userinfo, ...claims }
      }
    } catch (error) {
      if (error instanceof oidc.AuthorizationResponseError) return refuse('upstream_refused')
      if (error instanceof oidc.ResponseBodyError) return refuse('upstream_refused')
      if (error instanceof TypeError && /fetch failed/i.test(error.message)) {
        return refuse('unavailable')
      }
      return refuse('invalid_response')
    }

    const issuer = String(claims.iss)
    const subject = String(claims.sub)
    const match = await this.#staffAccount(municipality, provider, issuer, subject, claims)
    if (!match.user) return refuse('no_staff_account', match.userId)
    const user = match.user

    const mfa = provider.trustMfa && upstreamAssertsMfa(claims, provider.acrValues)
    await AuditTrail.record({
      municipalityId: municipality.id,
      action: 'auth.upstream.verified',
      actorUserId: user.id,
      source: httpAuditSource(ctx),
      destination: httpDestination(ctx),
      details: { linked_now: match.linkedNow, mfa_from_provider: mfa },
    })
    return { status: 'signed_in', user, mfa }
  }

  /**
   * The staff account of this upstream subject: by its link, else (first
   * use) by the verified address in the configured claim, then linked.
   * The account must be enabled and hold an enabled staff membership here.
   */
  static async #staffAccount(
    municipality: Municipality,
    provider: StaffSignInProvider,
    issuer: string,
    subject: string,
    claims: Record<string, unknown>
  ): Promise<{ user: User | null; userId: number | null; linkedNow: boolean }> {
    const link = await StaffUpstreamLink.query()
      .where('municipality_id', municipality.id)
      .where('issuer', issuer)
      .where('subject', subject)
      .first()

    let user: User | null
    if (link) {
      user = await User.find(link.userId)
    } else {
      const identifier = claims[provider.identifierClaim]
      // An address the provider itself says is unverified links nothing
      if (typeof identifier !== 'string' || claims.email_verified === false) {
        return { user: null, userId: null, linkedNow: false }
      }
      user = await User.findBy('email', identifier.trim().toLowerCase())
      if (!user?.emailVerifiedAt) return { user: null, userId: null, linkedNow: false }
    }
    if (!user || user.disabledAt || !(await isStaffOf(user, municipality))) {
      return { user: null, userId: user?.id ?? null, linkedNow: false }
    }

    if (link) {
      link.lastUsedAt = DateTime.now()
      await link.save()
      return { user, userId: user.id, linkedNow: false }
    }
    try {
      await StaffUpstreamLink.create({
        municipalityId: municipality.id,
        userId: user.id,
        issuer,
        subject,
        lastUsedAt: DateTime.now(),
      })
    } catch (error) {
      // The account is linked to another upstream subject already: an
      // administrator must look into it, no silent re-linking.
      if (isUniqueViolation(error)) return { user: null, userId: user.id, linkedNow: false }
      throw error
    }
    return { user, userId: user.id, linkedNow: true }
  }
}

async function isStaffOf(user: User, municipality: Municipality) {
  const membership = await Membership.query()
    .where('user_id', user.id)
    .where('municipality_id', municipality.id)
    .whereIn('role', [...MUNICIPAL_STAFF_ROLES])
    .whereNull('disabled_at')
    .first()
  return membership !== null
}

function connect(provider: StaffSignInProvider) {
  const secret = encryption.decrypt<string>(provider.clientSecret)
  if (!secret) throw new UpstreamUnusable('invalid')
  return connectUpstream(provider.issuer, provider.clientId, secret)
}

/** The scopes that carry the identifying claim (email unless another claim) */
function scopeFor(claim: string) {
  return claim === 'email' ? 'openid email' : 'openid email profile'
}
