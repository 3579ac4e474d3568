import db from '@adonisjs/lucid/services/db'
import app from '@adonisjs/core/services/app'
import Municipality from '#models/municipality'
import AccountMail from '#mails/account_mail'
import AccountInvitation from '#services/account_invitation'
import AuditTrail from '#audit/audit_trail'
import type { AuditSource } from '#audit/audit_event_input'

export type OperatorAction = { actorUserId: number; source: AuditSource; destination: string }

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
   * Gives a person administrator rights in a municipality. A new address
   * gets an account and a link (72 hours) to choose a password; an existing
   * account is told by mail. Either way one audit event in that
   * municipality's trail.
   */
  static async inviteAdmin(
    municipalityId: number,
    input: { email: string; fullName: string; locale: string },
    by: OperatorAction
  ) {
    const invitation = await db.transaction(async (trx) => {
      const municipality = await Municipality.findOrFail(municipalityId, { client: trx })
      const invited = await AccountInvitation.admit(
        input,
        { municipalityId: municipality.id, providerId: null, role: 'municipal_admin' },
        trx
      )
      await AuditTrail.record(
        {
          municipalityId: municipality.id,
          action: 'municipality.admin_invited',
          actorUserId: by.actorUserId,
          actorRole: 'platform_operator',
          source: by.source,
          destination: by.destination,
          details: { user_id: invited.user.id, new_account: invited.secret !== null },
        },
        trx
      )
      return invited
    })
    const municipality = await Municipality.findOrFail(municipalityId)
    await AccountInvitation.notify(
      invitation,
      ({ newAccount, link, user }) =>
        new AccountMail({
          to: user.email,
          locale: user.preferredLocale,
          kind: newAccount ? 'invitation' : 'access_granted',
          link,
          values: { name: user.fullName, municipality: municipality.nameIn(user.preferredLocale) },
        })
    )
    return invitation.user
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
