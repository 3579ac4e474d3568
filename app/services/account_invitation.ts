import { randomBytes } from 'node:crypto'
import type { BaseMail } from '@adonisjs/mail'
import mail from '@adonisjs/mail/services/main'
import type { TransactionClientContract } from '@adonisjs/lucid/types/database'
import User from '#models/user'
import Membership, { type Role } from '#models/membership'
import AccountToken from '#models/account_token'
import { accountLinks } from '#services/account_links'

export type InvitationInput = { email: string; fullName: string; locale: string }

export type MembershipGrant = {
  municipalityId: number | null
  providerId: number | null
  role: Role
}

/**
 * Who was invited: the account, and the secret of its set-password link
 * when the account is new (null for an existing account, which is only
 * told that it has a new role).
 */
export type Invitation = { user: User; secret: string | null }

/**
 * How a person is given a role by someone else (an operator inviting a
 * municipality's administrator, municipal staff inviting a provider's
 * staff): inside the caller's transaction, the account for the address is
 * found or created (with an unusable password and a 72-hour set-password
 * link) and the membership added; after the commit, one mail says so.
 */
export default class AccountInvitation {
  static async admit(
    input: InvitationInput,
    grant: MembershipGrant,
    trx: TransactionClientContract
  ): Promise<Invitation> {
    let user = await User.query({ client: trx }).where('email', input.email).first()
    let secret: string | null = null
    if (!user) {
      user = await User.create(
        {
          email: input.email,
          fullName: input.fullName,
          preferredLocale: input.locale,
          // Unusable until the invitee chooses one through the link.
          password: randomBytes(32).toString('base64url'),
        },
        { client: trx }
      )
      secret = await AccountToken.issue(user, 'invitation', { client: trx })
    }
    await Membership.firstOrCreate(
      {
        userId: user.id,
        municipalityId: grant.municipalityId,
        providerId: grant.providerId,
        role: grant.role,
      },
      {},
      { client: trx }
    )
    return { user, secret }
  }

  /**
   * The link the invitation mail carries: set a password (new account) or
   * sign in (existing account).
   */
  static linkFor(invitation: Invitation) {
    return invitation.secret ? accountLinks.resetPassword(invitation.secret) : accountLinks.signIn()
  }

  /** Queues the mail, built by the caller in the invitee's language */
  static async notify(
    invitation: Invitation,
    build: (details: { newAccount: boolean; link: string; user: User }) => BaseMail
  ) {
    await mail.sendLater(
      build({
        newAccount: invitation.secret !== null,
        link: this.linkFor(invitation),
        user: invitation.user,
      })
    )
  }
}
