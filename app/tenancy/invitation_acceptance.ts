import { DateTime } from 'luxon'
import db from '@adonisjs/lucid/services/db'
import type { TransactionClientContract } from '@adonisjs/lucid/types/database'
import AuditTrail from '#audit/audit_trail'
import type { AuditSource } from '#audit/audit_event_input'
import Invitation from '#tenancy/invitation'
import Membership from '#identity/membership'
import Municipality from '#tenancy/municipality'
import Provider from '#tenancy/provider'
import type User from '#identity/user'
import AccountInvitation from '#tenancy/account_invitation'
import InvitationRefusal, { type InvitationRefusalCode } from '#tenancy/invitation_refusal'
import { affectedRows } from '#shared/affected_rows'
import { PROVIDER_STAFF_ROLES } from '#identity/membership'
import type { AuditAction } from '#audit/audit_vocabulary'

export type AcceptanceSource = { source: AuditSource; destination: string | null }

/** What the invitation page shows: where and which role, never the address */
export type InvitationPreview = {
  municipality: string
  provider: string | null
  role: string
}

/**
 * The invitee's side of an invitation: the page the mailed link opens and
 * accepting it. Only the account signed in with the invited (verified)
 * address may accept, once, before it expires. An account of a platform
 * operator never takes a role in a municipality; a municipality's first
 * administrator (invited by an operator) is refused once the municipality
 * has one. The membership and its audit event commit together; a refusal
 * of a known invitation is audited in its municipality.
 */
export default class InvitationAcceptance {
  /** The invitation a link names, if it can still be accepted */
  static async usable(secret: string) {
    const invitation = await AccountInvitation.find(secret)
    return invitation?.usable ? invitation : null
  }

  static async preview(invitation: Invitation, locale: string): Promise<InvitationPreview> {
    const municipality = await Municipality.findOrFail(invitation.municipalityId)
    const provider = invitation.providerId ? await Provider.find(invitation.providerId) : null
    return {
      municipality: municipality.nameIn(locale),
      provider: provider ? provider.nameIn(locale) : null,
      role: invitation.role,
    }
  }

  /** Why this account could not accept the invitation now (null: it can) */
  static async refusalFor(
    invitation: Invitation,
    user: User,
    client?: TransactionClientContract
  ): Promise<InvitationRefusalCode | null> {
    if (!invitation.usable) return 'invalid'
    if (user.email.toLowerCase() !== invitation.email || user.emailVerifiedAt === null) {
      return 'wrong_account'
    }
    const memberships = await Membership.query(client ? { client } : {}).where('user_id', user.id)
    if (memberships.some((membership) => membership.role === 'platform_operator')) {
      return 'operator_account'
    }
    if (invitation.role === 'municipal_admin') {
      const admin = await Membership.query(client ? { client } : {})
        .where('municipality_id', invitation.municipalityId)
        .where('role', 'municipal_admin')
        .whereNull('disabled_at')
        .first()
      if (admin) return 'admin_exists'
    }
    if (invitation.providerId !== null) {
      const staffHere = memberships.filter(
        (membership) =>
          membership.municipalityId === invitation.municipalityId &&
          PROVIDER_STAFF_ROLES.some((role) => role === membership.role)
      )
      if (staffHere.some((membership) => membership.providerId !== invitation.providerId)) {
        return 'elsewhere'
      }
      if (staffHere.some((membership) => membership.disabledAt !== null)) return 'disabled_member'
    }
    return null
  }

  static async accept(secret: string, user: User, from: AcceptanceSource) {
    let known: Invitation | null = null
    try {
      return await db.transaction(async (trx) => {
        known = await AccountInvitation.find(secret, trx)
        if (!known) throw new InvitationRefusal('invalid')
        const invitation = known
        // One municipality's acceptances one at a time (its first administrator)
        const lock = Municipality.query({ client: trx }).where('id', invitation.municipalityId)
        if (trx.dialect.name === 'postgres') lock.forUpdate()
        await lock.first()
        const refusal = await this.refusalFor(invitation, user, trx)
        if (refusal) throw new InvitationRefusal(refusal)
        const now = DateTime.now()
        const accepted = await Invitation.query({ client: trx })
          .where('id', invitation.id)
          .whereNull('accepted_at')
          .whereNull('revoked_at')
          .update({
            accepted_at: now.toSQL(),
            accepted_by_user_id: user.id,
            updated_at: now.toSQL(),
          })
        if (affectedRows(accepted) !== 1) throw new InvitationRefusal('invalid')
        await Membership.firstOrCreate(
          {
            userId: user.id,
            municipalityId: invitation.municipalityId,
            providerId: invitation.providerId,
            role: invitation.role,
          },
          {},
          { client: trx }
        )
        await AuditTrail.record(
          this.#event(invitation, user, from, 'invitation.accepted', {
            role: invitation.role,
            provider_id: invitation.providerId,
          }),
          trx
        )
        return invitation
      })
    } catch (error) {
      const invitation = known as Invitation | null
      if (error instanceof InvitationRefusal && invitation) {
        await AuditTrail.record({
          ...this.#event(invitation, user, from, 'invitation.refused', { reason: error.code }),
          outcome: 'denied',
        })
      }
      throw error
    }
  }

  static #event(
    invitation: Invitation,
    user: User,
    from: AcceptanceSource,
    action: AuditAction,
    details: Record<string, unknown>
  ) {
    return {
      municipalityId: invitation.municipalityId,
      action,
      actorUserId: user.id,
      purpose: 'access_management' as const,
      source: from.source,
      destination: from.destination,
      details: { invitation_id: invitation.id, ...details },
    }
  }
}
