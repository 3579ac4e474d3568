import type { HttpContext } from '@adonisjs/core/http'
import { errors as lucidErrors } from '@adonisjs/lucid'
import ResidentOverview from '#home/resident_overview'

/**
 * One program's page for the resident: hours left per service, the
 * nearest expiry, every lot in plain terms (active, expired or revoked
 * with the reason) and the program's rules in plain words. Always the
 * signed-in resident's own record (ctx.resident). A program the
 * municipality does not offer has no page (404).
 */
export default class ResidentProgramsController {
  async show({ inertia, tenant, resident, i18n, params }: HttpContext) {
    const ref = { pluginId: String(params.plugin), programCode: String(params.program) }
    const program = await new ResidentOverview(tenant.municipalityId, i18n.locale).program(
      resident.id,
      ref
    )
    if (!program) throw new lucidErrors.E_ROW_NOT_FOUND()
    return inertia.render('home/resident/program', { program })
  }
}
