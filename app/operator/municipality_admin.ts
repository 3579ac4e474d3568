import db from '@adonisjs/lucid/services/db'
import type { I18n } from '@adonisjs/i18n'
import app from '@adonisjs/core/services/app'
import Municipality from '#tenancy/municipality'
import AccountMail from '#mail/account_mail'
import AccountInvitation from '#tenancy/account_invitation'
import AuditTrail from '#audit/audit_trail'
import type { AuditEventInput, AuditOutcome, AuditSource } from '#audit/audit_event_input'
import Membership from '#identity/membership'
import Refusal from '#shared/refusal'
import type { AuditAction } from '#audit/audit_vocabulary'

export type OperatorAction = { actorUserId: number; source: AuditSource; destination: string }

export type MunicipalityAdminRefusalCode = 'operator_account' | 'admin_exists'

/** Why the operator could not invite an administrator (ui.operator.refusals.<code>) */
export class MunicipalityAdminRefusal extends Refusal<MunicipalityAdminRefusalCode> {
  protected readonly namespace = 'ui.operator.refusals'

  constructor(
    code: MunicipalityAdminRefusalCode,
    private readonly municipality: Municipality
  ) {
    super(code, {}, `Administrator invitation refused: ${code}`)
  }

  /** The municipality's name in the reader's language */
  protected valuesFor(i18n: I18n) {
    return { name: this.municipality.nameIn(i18n.locale) }
  }
}

export class UnknownPluginError extends Error {
  constructor(readonly pluginIds: string[]) {
    super(`Unknown plugins: ${pluginIds.join(', ')}`)
  }
}

/**
 * What a platform operator does to tenants: create municipalities and
 * choose which program plugins each one uses. Each change and its audit
 * event commit together.
 */
export default class MunicipalityAdmin {
  static async create(
    input: { code: string; slug: string; nameJa: string; nameEn: string },
    by: OperatorAction
  ) {
    return db.transaction(async (trx) => {
      const municipality = await Municipality.create(input, { client: trx })
      await AuditTrail.record(
        {
          municipalityId: null,
          action: 'municipality.created',
          actorUserId: by.actorUserId,
          actorRole: 'platform_operator',
          source: by.source,
          destination: by.destination,
          details: { municipality_id: municipality.id, code: municipality.code },
        },
        trx
      )
      return municipality
    })
  }

  /**
   * Invites a municipality's first administrator (AccountInvitation: the
   * role exists once the invitee accepts from the mailed link). Refused,
   * and audited as municipality.admin_invite_refused, when the address is
   * a platform operator's account (the operator's own included: operators
   * never see residents' data) or the municipality already has an
   * administrator (who adds the next one; the operator cannot). The
   * invitation is audited as municipality.admin_invited.
   */
  static async inviteAdmin(
    municipalityId: number,
    input: { email: string; fullName: string; locale: string },
    by: OperatorAction
  ) {
    const municipality = await Municipality.findOrFail(municipalityId)
    const refusal = await this.#refusalFor(municipality, input.email)
    if (refusal) {
      await AuditTrail.record(
        this.#event(
          municipality,
          by,
          'municipality.admin_invite_refused',
          { reason: refusal },
          'denied'
        )
      )
      throw new MunicipalityAdminRefusal(refusal, municipality)
    }
    const issued = await db.transaction(async (trx) => {
      const invitation = await AccountInvitation.issue(
        input,
        { municipalityId: municipality.id, providerId: null, role: 'municipal_admin' },
        { userId: by.actorUserId, role: 'platform_operator' },
        trx
      )
      await AuditTrail.record(
        this.#event(municipality, by, 'municipality.admin_invited', {
          invitation_id: invitation.invitation.id,
        }),
        trx
      )
      return invitation
    })
    await AccountInvitation.notify(
      issued,
      ({ link, invitation }) =>
        new AccountMail({
          to: invitation.email,
          locale: invitation.locale,
          kind: 'invitation',
          link,
          values: {
            name: invitation.fullName,
            municipality: municipality.nameIn(invitation.locale),
          },
        })
    )
    return issued.invitation
  }

  static async #refusalFor(
    municipality: Municipality,
    email: string
  ): Promise<MunicipalityAdminRefusalCode | null> {
    const operator = await Membership.query()
      .join('users', 'users.id', 'memberships.user_id')
      .where('users.email', email.trim().toLowerCase())
      .where('memberships.role', 'platform_operator')
      .first()
    if (operator) return 'operator_account'
    const admin = await Membership.query()
      .where('municipality_id', municipality.id)
      .where('role', 'municipal_admin')
      .whereNull('disabled_at')
      .first()
    return admin ? 'admin_exists' : null
  }

  static #event(
    municipality: Municipality,
    by: OperatorAction,
    action: AuditAction,
    details: Record<string, unknown>,
    outcome: AuditOutcome = 'success'
  ): AuditEventInput {
    return {
      municipalityId: municipality.id,
      action,
      outcome,
      actorUserId: by.actorUserId,
      actorRole: 'platform_operator',
      source: by.source,
      destination: by.destination,
      details,
    }
  }

  /**
   * Enabled, installed plugins of each given municipality, in one query.
   */
  static async enabledPlugins(municipalityIds: number[]): Promise<Map<number, string[]>> {
    const host = await app.container.make('plugins')
    const registered = new Set(host.plugins.map((plugin) => plugin.id))
    const rows = await db
      .from('municipality_plugins')
      .whereIn('municipality_id', municipalityIds)
      .orderBy('plugin_id')
    const enabled = new Map<number, string[]>(municipalityIds.map((id) => [id, []]))
    for (const row of rows) {
      if (registered.has(row.plugin_id))
        enabled.get(Number(row.municipality_id))?.push(row.plugin_id)
    }
    return enabled
  }

  /**
   * Makes exactly `pluginIds` enabled. Unknown ids are refused whole.
   */
  static async setPlugins(municipalityId: number, pluginIds: string[], by: OperatorAction) {
    const host = await app.container.make('plugins')
    const unknown = pluginIds.filter((id) => !host.get(id))
    if (unknown.length > 0) throw new UnknownPluginError(unknown)

    await db.transaction(async (trx) => {
      const municipality = await Municipality.findOrFail(municipalityId, { client: trx })
      const rows = await trx.from('municipality_plugins').where('municipality_id', municipality.id)
      const current = rows.map((row) => row.plugin_id as string)
      const enabled = pluginIds.filter((id) => !current.includes(id))
      const disabled = current.filter((id) => !pluginIds.includes(id))
      if (disabled.length > 0) {
        await trx
          .from('municipality_plugins')
          .where('municipality_id', municipality.id)
          .whereIn('plugin_id', disabled)
          .delete()
      }
      for (const pluginId of enabled) {
        await trx.table('municipality_plugins').insert({
          municipality_id: municipality.id,
          plugin_id: pluginId,
          enabled_by_user_id: by.actorUserId,
          created_at: new Date(),
        })
      }
      await AuditTrail.record(
        {
          municipalityId: municipality.id,
          action: 'municipality.plugins_changed',
          actorUserId: by.actorUserId,
          actorRole: 'platform_operator',
          source: by.source,
          destination: by.destination,
          details: { enabled, disabled },
        },
        trx
      )
    })
  }
}
