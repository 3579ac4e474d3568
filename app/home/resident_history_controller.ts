import type { HttpContext } from '@adonisjs/core/http'
import ProgramCatalog from '#ledger/program_catalog'
import ResidentHistory from '#home/resident_history'
import { localizedText } from '#shared/localized_text'
import { staffFieldNames } from '#http/staff_field_names'
import { residentHistoryValidator } from '#home/resident_history_validator'

/**
 * The resident's own history: visits (waiting, approved, rejected,
 * cancelled, with the reason) and grants (issued, added, revoked, expiry
 * changed, expired), of every program or one (`?program=<plugin>:<program>`),
 * newest first. An unknown program in the filter is explained at the
 * filter, nothing breaks.
 */
export default class ResidentHistoryController {
  async index(ctx: HttpContext) {
    const { inertia, request, tenant, resident, i18n } = ctx
    const offered = await ProgramCatalog.enabled(tenant.municipalityId)
    const programs = offered.map(({ plugin, program }) => ({
      key: `${plugin.id}:${program.code}`,
      name: localizedText(program.name, i18n.locale),
    }))
    const input = await request.validateUsing(residentHistoryValidator, {
      meta: { programs: programs.map((program) => program.key) },
      messagesProvider: staffFieldNames(ctx, 'resident_home.fields'),
    })
    const [pluginId, programCode] = input.program?.split(':') ?? []
    const history = await new ResidentHistory(tenant.municipalityId, i18n.locale).page(
      resident.id,
      {
        program: input.program ? { pluginId, programCode } : null,
        page: input.page ?? 1,
      }
    )
    return inertia.render('home/resident/history', {
      programs,
      filters: { program: input.program ?? '' },
      history,
    })
  }
}
