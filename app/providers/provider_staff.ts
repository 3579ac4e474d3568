import { DateTime } from 'luxon'
import db from '@adonisjs/lucid/services/db'
import type { TransactionClientContract } from '@adonisjs/lucid/types/database'
import AuditTrail from '#audit/audit_trail'
import Membership from '#identity/membership'
import User from '#identity/user'
import AccountInvitation from '#tenancy/account_invitation'
import AccountSessions from '#identity/account_sessions'
import ProviderRegistry, {
  PROVIDER_STAFF_ROLES,
  type ProviderStaffRole,
  type StaffInvitationInput,
} from '#providers/provider_registry'
import ProviderStaffRefusal from '#providers/provider_staff_refusal'
import { staffEvent } from '#audit/staff_action'
import type { StaffAction } from '#audit/staff_action'
import type { AuditAction } from '#audit/audit_vocabulary'

/** One person on a provider's staff in one municipality, as the admin's list shows them */
export type ProviderStaffMember = {
  userId: number
  fullName: string
  email: string
  role: ProviderStaffRole
  disabled: boolean
  /** Invited, but has not accepted the invitation (no password yet, so never signed in) */
  invitationPending: boolean
  self: boolean
}

type Scope = { municipalityId: number; providerId: number }

/**
 * A provider administrator's view of their own staff in one municipality:
 * who they are, inviting more (through the same invitation as the
 * municipal console's provider page) and disabling or enabling a person.
 * A disabled person's memberships here stay (with disabled_at), so the
 * history of who did what keeps its names; the tenant middleware ignores
 * them, so the person is out on their next request, and their sessions
 * are ended as well.
 */
export default class ProviderStaff {
  static async list(scope: Scope, viewerUserId: number): Promise<ProviderStaffMember[]> {
    const rows = await db
      .from('memberships')
      .join('users', 'users.id', 'memberships.user_id')
      .where('memberships.municipality_id', scope.municipalityId)
      .where('memberships.provider_id', scope.providerId)
      .whereIn('memberships.role', PROVIDER_STAFF_ROLES)
      .select(
        'users.id as user_id',
        'users.full_name',
        'users.email',
        'users.email_verified_at',
        'memberships.role',
        'memberships.disabled_at'
      )
    // A person invited twice with different roles has two rows: one line, the stronger role.
    const byUser = new Map<number, ProviderStaffMember>()
    for (const row of rows) {
      const userId = Number(row.user_id)
      const role = row.role as ProviderStaffRole
      const known = byUser.get(userId)
      const disabled = row.disabled_at !== null
      if (known) {
        if (role === 'provider_admin') known.role = role
        known.disabled = known.disabled && disabled
        continue
      }
      byUser.set(userId, {
        userId,
        fullName: String(row.full_name),
        email: String(row.email),
        role,
        disabled,
        invitationPending: row.email_verified_at === null,
        self: userId === viewerUserId,
      })
    }
    return [...byUser.values()].sort(
      (a, b) =>
        Number(a.disabled) - Number(b.disabled) ||
        PROVIDER_STAFF_ROLES.indexOf(a.role) - PROVIDER_STAFF_ROLES.indexOf(b.role) ||
        a.fullName.localeCompare(b.fullName, 'ja')
    )
  }

  /**
   * Invites a person onto the staff (ProviderRegistry.inviteStaff: a link
   * by mail, the role once the invitee accepts; audited
   * provider.staff_invited). Someone already on this staff (enabled or
   * disabled), whom the list shows anyway, is refused; nothing else about
   * an account at the address is read here (working for another provider
   * is explained to the invitee on accepting).
   */
  static async invite(scope: Scope, input: StaffInvitationInput, by: StaffAction) {
    const here = await db
      .from('memberships')
      .join('users', 'users.id', 'memberships.user_id')
      .where('users.email', input.email.trim().toLowerCase())
      .where('memberships.municipality_id', scope.municipalityId)
      .where('memberships.provider_id', scope.providerId)
      .whereIn('memberships.role', PROVIDER_STAFF_ROLES)
      .select('users.email', 'memberships.disabled_at')
    if (here.some((row) => row.disabled_at !== null)) {
      throw new ProviderStaffRefusal('already_disabled_member', { email: here[0].email })
    }
    if (here.length > 0) {
      throw new ProviderStaffRefusal('already_member', { email: here[0].email })
    }
    return ProviderRegistry.inviteStaff(scope.municipalityId, scope.providerId, input, by)
  }

  /** Invitations to this staff not yet accepted: the address and role only */
  static invitations(scope: Scope) {
    return AccountInvitation.pending(scope)
  }

  /**
   * Disables a person's memberships at this provider here and ends their
   * sessions. Returns null when the person is not on this staff (the
   * caller answers 404). Refused for oneself and for the last enabled
   * administrator (the provider would be left with nobody to manage it).
   */
  static async disable(scope: Scope, userId: number, by: StaffAction) {
    const user = await db.transaction(async (trx) => {
      const { target, staff } = await this.#lockedStaff(scope, userId, trx)
      if (!target) return null
      if (userId === by.actorUserId) throw new ProviderStaffRefusal('self')
      const active = target.filter((membership) => membership.disabledAt === null)
      if (active.length === 0) throw new ProviderStaffRefusal('already_disabled')
      const otherAdmins = staff.filter(
        (membership) =>
          membership.userId !== userId &&
          membership.role === 'provider_admin' &&
          membership.disabledAt === null
      )
      if (
        active.some((membership) => membership.role === 'provider_admin') &&
        !otherAdmins.length
      ) {
        throw new ProviderStaffRefusal('last_admin')
      }
      await Membership.query({ client: trx })
        .whereIn(
          'id',
          active.map((membership) => membership.id)
        )
        .update({ disabled_at: DateTime.now().toSQL(), updated_at: DateTime.now().toSQL() })
      await this.#audit(trx, scope, 'provider.staff_disabled', by, userId, active)
      return User.findOrFail(userId, { client: trx })
    })
    // After the commit: the session table is outside the transaction.
    if (user) await AccountSessions.endAll(user.id)
    return user
  }

  /** Enables a disabled person again; null when not on this staff (404) */
  static async enable(scope: Scope, userId: number, by: StaffAction) {
    return db.transaction(async (trx) => {
      const { target } = await this.#lockedStaff(scope, userId, trx)
      if (!target) return null
      const disabled = target.filter((membership) => membership.disabledAt !== null)
      if (disabled.length === 0) throw new ProviderStaffRefusal('already_enabled')
      await Membership.query({ client: trx })
        .whereIn(
          'id',
          disabled.map((membership) => membership.id)
        )
        .update({ disabled_at: null, updated_at: DateTime.now().toSQL() })
      await this.#audit(trx, scope, 'provider.staff_enabled', by, userId, disabled)
      return User.findOrFail(userId, { client: trx })
    })
  }

  /**
   * The provider's staff memberships here, locked on PostgreSQL (SQLite
   * runs one writer at a time), so that two administrators disabling each
   * other at once cannot both succeed and leave the provider with none.
   */
  static async #lockedStaff(scope: Scope, userId: number, trx: TransactionClientContract) {
    const query = Membership.query({ client: trx })
      .where('municipality_id', scope.municipalityId)
      .where('provider_id', scope.providerId)
      .whereIn('role', PROVIDER_STAFF_ROLES)
      .orderBy('id')
    if (trx.dialect.name === 'postgres') query.forUpdate()
    const staff = await query
    const target = staff.filter((membership) => membership.userId === userId)
    return { staff, target: target.length > 0 ? target : null }
  }

  static #audit(
    trx: TransactionClientContract,
    scope: Scope,
    action: AuditAction,
    by: StaffAction,
    userId: number,
    memberships: Membership[]
  ) {
    return AuditTrail.record(
      staffEvent(scope.municipalityId, by, {
        action,
        purpose: 'provider_management',
        details: {
          provider_id: scope.providerId,
          user_id: userId,
          roles: memberships.map((membership) => membership.role),
        },
      }),
      trx
    )
  }
}
