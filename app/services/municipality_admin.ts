import db from '@adonisjs/lucid/services/db'
import app from '@adonisjs/core/services/app'
import Municipality from '#models/municipality'
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

  static async enabledPlugins(municipalityId: number): Promise<string[]> {
    const host = await app.container.make('plugins')
    const registered = new Set(host.plugins.map((plugin) => plugin.id))
    const rows = await db
      .from('municipality_plugins')
      .where('municipality_id', municipalityId)
      .orderBy('plugin_id')
    return rows.map((row) => row.plugin_id as string).filter((id) => registered.has(id))
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
