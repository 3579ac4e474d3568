import { randomBytes } from 'node:crypto'
import { DateTime } from 'luxon'
import type { BaseMail } from '@adonisjs/mail'
import mail from '@adonisjs/mail/services/main'
import type { TransactionClientContract } from '@adonisjs/lucid/types/database'
import { appUrl } from '#config/app'
import Invitation from '#tenancy/invitation'
import type { Role } from '#identity/membership'
import { hashToken } from '#identity/account_token'

export type InvitationInput = { email: string; fullName: string; locale: string }

/** The role an invitation offers, in a municipality and optionally at a provider */
export type MembershipGrant = {
  municipalityId: number
  providerId: number | null
  role: Role
}

/** Who invites, in which role */
export type Inviter = { userId: number | null; role: string | null }

/** An invitation and the secret of its link (mailed once, never stored) */
export type IssuedInvitation = { invitation: Invitation; secret: string }

/** What a list of pending invitations shows: the address and the role, nothing of any account */
export type PendingInvitation = { id: number; email: string; role: Role; expired: boolean }

const LIFETIME = { hours: 72 }

/**
 * How a person is given a role by someone else (an operator inviting a
 * municipality's first administrator, municipal staff or a provider's
 * administrator inviting a provider's staff): an invitation addressed to
 * an email, with a 72-hour link. Issuing reads no account: whether the
 * address has one changes neither the answer, the list nor the mail. The
 * membership is created only when the account signed in with that
 * address accepts from the link (InvitationAcceptance).
 */
export default class AccountInvitation {
  /**
   * Issues an invitation inside the caller's transaction; an earlier one
   * still pending for the same address and place stops working.
   */
  static async issue(
    input: InvitationInput,
    grant: MembershipGrant,
    by: Inviter,
    trx: TransactionClientContract
  ): Promise<IssuedInvitation> {
    const email = input.email.trim().toLowerCase()
    const now = DateTime.now()
    const earlier = Invitation.query({ client: trx })
      .where('municipality_id', grant.municipalityId)
      .where('email', email)
      .whereNull('accepted_at')
      .whereNull('revoked_at')
    if (grant.providerId === null) earlier.whereNull('provider_id')
    else earlier.where('provider_id', grant.providerId)
    await earlier.update({ revoked_at: now.toSQL(), updated_at: now.toSQL() })

    const secret = randomBytes(32).toString('base64url')
    const invitation = await Invitation.create(
      {
        municipalityId: grant.municipalityId,
        providerId: grant.providerId,
        role: grant.role,
        email,
        fullName: input.fullName,
        locale: input.locale,
        tokenHash: hashToken(secret),
        invitedByUserId: by.userId,
        invitedByRole: by.role,
        expiresAt: now.plus(LIFETIME),
      },
      { client: trx }
    )
    return { invitation, secret }
  }

  /** The link the invitation mail carries */
  static linkFor(secret: string) {
    return `${appUrl}/invitations/${secret}`
  }

  /**
   * Queues the mail (after the caller's commit), built by the caller in
   * the language the inviter chose; it greets the name the inviter typed.
   */
  static async notify(
    issued: IssuedInvitation,
    build: (details: { link: string; invitation: Invitation }) => BaseMail
  ) {
    await mail.sendLater(
      build({ link: this.linkFor(issued.secret), invitation: issued.invitation })
    )
  }

  /** Invitations to a place not yet accepted (expired ones too, marked), oldest first */
  static async pending(grant: Omit<MembershipGrant, 'role'>): Promise<PendingInvitation[]> {
    const query = Invitation.query()
      .where('municipality_id', grant.municipalityId)
      .whereNull('accepted_at')
      .whereNull('revoked_at')
      .orderBy('id')
    if (grant.providerId === null) query.whereNull('provider_id')
    else query.where('provider_id', grant.providerId)
    const rows = await query
    const now = DateTime.now()
    return rows.map((row) => ({
      id: row.id,
      email: row.email,
      role: row.role,
      expired: row.expiresAt <= now,
    }))
  }

  /** The invitation a link names, whatever its state (null when unknown) */
  static find(secret: string, client?: TransactionClientContract) {
    return Invitation.query(client ? { client } : {})
      .where('token_hash', hashToken(secret))
      .first()
  }
}
