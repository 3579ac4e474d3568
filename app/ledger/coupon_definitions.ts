import db from '@adonisjs/lucid/services/db'
import type { TransactionClientContract } from '@adonisjs/lucid/types/database'
import AuditTrail from '#audit/audit_trail'
import type { StaffAction } from '#audit/staff_action'
import ProgramCatalog, { type ProgramRef } from '#ledger/program_catalog'

/**
 * Which coupon definition a municipality issues new grants under. Lots keep
 * the version they were issued under; switching changes new issuance only.
 */
export default class CouponDefinitions {
  static async defaultVersion(
    municipalityId: number,
    ref: ProgramRef,
    client: TransactionClientContract | typeof db = db
  ) {
    const { program } = await ProgramCatalog.find(ref)
    const chosen = await client
      .from('municipality_programs')
      .where({
        municipality_id: municipalityId,
        plugin_id: ref.pluginId,
        program_code: ref.programCode,
      })
      .first()
    return (chosen?.default_definition as string | undefined) ?? program.defaultDefinition
  }

  /** The versions the municipality chose, by "<plugin>/<program>" (the plugin's default applies to the others) */
  static async defaultVersions(municipalityId: number) {
    const chosen = await db
      .from('municipality_programs')
      .where('municipality_id', municipalityId)
      .select('plugin_id', 'program_code', 'default_definition')
    return new Map<string, string>(
      chosen.map((row) => [`${row.plugin_id}/${row.program_code}`, row.default_definition])
    )
  }

  /**
   * The one action that switches the default for new issuance. Audited with
   * the version before and after. Returns the previous version.
   */
  static async switchDefault(
    municipalityId: number,
    ref: ProgramRef,
    version: string,
    by: StaffAction
  ) {
    const { program } = await ProgramCatalog.find(ref)
    ProgramCatalog.definition(program, version)
    return db.transaction(async (trx) => {
      await ProgramCatalog.assertEnabled(municipalityId, ref, trx)
      const previous = await this.defaultVersion(municipalityId, ref, trx)
      await trx
        .table('municipality_programs')
        .insert({
          municipality_id: municipalityId,
          plugin_id: ref.pluginId,
          program_code: ref.programCode,
          default_definition: version,
          updated_by_user_id: by.actorUserId,
          updated_at: new Date(),
        })
        .onConflict(['municipality_id', 'plugin_id', 'program_code'])
        .merge(['default_definition', 'updated_by_user_id', 'updated_at'])
      await AuditTrail.record(
        {
          municipalityId,
          action: 'coupon_definition.default_switched',
          actorUserId: by.actorUserId,
          actorRole: by.actorRole,
          source: by.source,
          destination: by.destination ?? null,
          details: {
            plugin_id: ref.pluginId,
            program_code: ref.programCode,
            from: previous,
            to: version,
          },
        },
        trx
      )
      return previous
    })
  }
}
