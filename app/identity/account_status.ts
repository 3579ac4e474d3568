import { DateTime } from 'luxon'
import db from '@adonisjs/lucid/services/db'
import User from '#identity/user'
import AuditTrail from '#audit/audit_trail'
import type { AuditSource } from '#audit/audit_event_input'
import AccountSessions from '#identity/account_sessions'

export type AccountAction = {
  actorUserId: number
  actorRole: string | null
  municipalityId: number | null
  source: AuditSource
  destination?: string | null
}

/**
 * Disabling an account takes effect at once: its sessions end in the same
 * call, and signing in is refused from then on.
 */
export default class AccountStatus {
  static async disable(userId: number, by: AccountAction) {
    await this.#setDisabled(userId, true, by)
    return AccountSessions.endAll(userId)
  }

  static async enable(userId: number, by: AccountAction) {
    await this.#setDisabled(userId, false, by)
  }

  static async #setDisabled(userId: number, disabled: boolean, by: AccountAction) {
    await db.transaction(async (trx) => {
      const user = await User.findOrFail(userId, { client: trx })
      user.disabledAt = disabled ? DateTime.now() : null
      await user.save()
      await AuditTrail.record(
        {
          municipalityId: by.municipalityId,
          action: disabled ? 'account.disabled' : 'account.enabled',
          actorUserId: by.actorUserId,
          actorRole: by.actorRole,
          source: by.source,
          destination: by.destination ?? null,
          details: { user_id: userId },
        },
        trx
      )
    })
  }
}
