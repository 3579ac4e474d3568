import type { HttpContext } from '@adonisjs/core/http'
import ProviderHistory from '#providers/provider_history'
import ProviderMemos from '#providers/provider_memos'
import { providerHistoryPage } from '#providers/provider_history_view'
import { ownFacility } from '#tenancy/provider_facilities'
import { currentMonthInJapan } from '#usage/usage_search'
import { recordStaffEvent } from '#audit/staff_action'
import { staffFieldNames } from '#http/staff_field_names'
import { providerHistoryFiltersValidator } from '#providers/provider_history_validator'

/**
 * The provider console's monthly history (月次実績) per facility and
 * program with totals and co-payments, for the provider the signed-in
 * member of staff works for (ctx.provider, never from the URL). A
 * facility that is not this provider's answers 404 and goes on the
 * record. The month's CSV exports: provider_exports_controller.
 */
export default class ProviderHistoryController {
  async index(ctx: HttpContext) {
    const { request, inertia, tenant, provider } = ctx
    const history = new ProviderHistory(tenant.municipalityId, provider.id)
    const programs = await history.programs()
    const programKeys = programs.map(({ plugin, program }) => `${plugin.id}:${program.code}`)
    const input = await request.validateUsing(providerHistoryFiltersValidator, {
      meta: { programs: programKeys },
      messagesProvider: staffFieldNames(ctx, 'provider_history.fields'),
    })
    if (input.facility !== undefined)
      await ownFacility(ctx, input.facility, 'provider.facility_not_found')
    const month = input.month ?? currentMonthInJapan()
    const [pluginId, programCode] = input.program?.split(':') ?? []
    const groups = await history.month(
      { month, facilityId: input.facility, pluginId, programCode },
      provider.facilities.map((facility) => facility.id)
    )
    const visitIds = groups.flatMap((group) => group.visits.map((visit) => visit.id))
    const memos = await new ProviderMemos(tenant.municipalityId, provider.id).list({
      redemptionIds: visitIds,
    })

    await recordStaffEvent(ctx, {
      action: 'provider.history_viewed',
      purpose: 'usage_review',
      details: {
        provider_id: provider.id,
        month,
        facility_id: input.facility ?? null,
        program: input.program ?? null,
        visits: visitIds.length,
        resident_ids: [
          ...new Set(groups.flatMap((group) => group.visits.map((visit) => visit.residentId))),
        ].sort((a, b) => a - b),
      },
    })

    return inertia.render(
      'providers/provider/history/index',
      await providerHistoryPage(ctx, {
        filters: { month, facility: input.facility, program: input.program },
        programs,
        groups,
        memos,
      })
    )
  }
}
