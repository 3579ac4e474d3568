import type { HttpContext } from '@adonisjs/core/http'
import { errors as lucidErrors } from '@adonisjs/lucid'
import PluginPermissionPolicy from '#plugin_host/plugin_permission_policy'
import ConsolePolicy from '#tenancy/console_policy'
import CouponDefinitions from '#ledger/coupon_definitions'
import LedgerRefusal from '#ledger/ledger_refusal'
import CouponDefinitionOverview, {
  type ProgramDefinitions,
} from '#coupons/coupon_definition_overview'
import { staffActionFrom } from '#audit/staff_action'
import { staffFieldNames } from '#http/staff_field_names'
import { definitionsQueryValidator, switchDefinitionValidator } from '#coupons/definition_validator'

export const SWITCH_PERMISSION = 'switch_definition'

/**
 * Coupon definitions (制度版): every version of each program the
 * municipality uses, which one new grants follow, and the one action that
 * switches it, after a confirmation that shows what changes. Viewing:
 * administrators and staff; switching: whoever the plugin's
 * "switch_definition" permission names.
 */
export default class StaffDefinitionsController {
  async index(ctx: HttpContext) {
    const { bouncer, request, inertia, tenant, i18n } = ctx
    await bouncer.with(ConsolePolicy).authorize('staff', tenant)
    const query = await request.validateUsing(definitionsQueryValidator, {
      messagesProvider: staffFieldNames(ctx, 'staff_definitions.fields'),
    })
    const overview = new CouponDefinitionOverview(i18n)
    const programs = await overview.programs(tenant.municipalityId)
    const views = []
    for (const program of programs) {
      views.push({
        ...program,
        canSwitch: await bouncer
          .with(PluginPermissionPolicy)
          .allows('use', tenant, program.pluginId, SWITCH_PERMISSION),
      })
    }

    let confirmation = null
    if (query.confirm) {
      const program = this.#program(programs, query.plugin!, query.program!)
      await bouncer
        .with(PluginPermissionPolicy)
        .authorize('use', tenant, program.pluginId, SWITCH_PERMISSION)
      const from = program.definitions.find((definition) => definition.isDefault)!
      const to = program.definitions.find((definition) => definition.version === query.confirm)
      if (!to || to.isDefault) throw new lucidErrors.E_ROW_NOT_FOUND()
      confirmation = {
        pluginId: program.pluginId,
        programCode: program.programCode,
        programName: program.programName,
        unit: program.unit,
        from,
        to,
        // Every lot issued so far keeps the version it was issued under
        lotsKeepingTheirVersion: program.definitions.reduce(
          (total, definition) => total + definition.lots,
          0
        ),
      }
    }

    return inertia.render('coupons/staff/definitions', { programs: views, confirmation })
  }

  async switch(ctx: HttpContext) {
    const { bouncer, request, response, session, tenant, params, i18n } = ctx
    await bouncer.with(ConsolePolicy).authorize('staff', tenant)
    const programs = await new CouponDefinitionOverview(i18n).programs(tenant.municipalityId)
    const program = this.#program(programs, String(params.plugin), String(params.program))
    await bouncer
      .with(PluginPermissionPolicy)
      .authorize('use', tenant, program.pluginId, SWITCH_PERMISSION)
    const input = await request.validateUsing(switchDefinitionValidator, {
      messagesProvider: staffFieldNames(ctx, 'staff_definitions.fields'),
    })
    const target = program.definitions.find((definition) => definition.version === input.version)
    try {
      const previous = await CouponDefinitions.switchDefault(
        tenant.municipalityId,
        { pluginId: program.pluginId, programCode: program.programCode },
        input.version,
        staffActionFrom(ctx)
      )
      session.flash(
        'notice',
        i18n.t('staff_definitions.flash.switched', {
          program: program.programName,
          from: previous,
          to: target?.name ?? input.version,
        })
      )
    } catch (error) {
      if (!(error instanceof LedgerRefusal)) throw error
      session.flash('inputErrorsBag', { version: [error.translate(i18n)] })
      session.flash('error', error.translate(i18n))
    }
    return response.redirect(`/m/${tenant.municipality.slug}/definitions`)
  }

  /** A program of a plugin the municipality uses, or 404 */
  #program(programs: ProgramDefinitions[], pluginId: string, programCode: string) {
    const program = programs.find(
      (candidate) => candidate.pluginId === pluginId && candidate.programCode === programCode
    )
    if (!program) throw new lucidErrors.E_ROW_NOT_FOUND()
    return program
  }
}
