import type { HttpContext } from '@adonisjs/core/http'
import { errors as lucidErrors } from '@adonisjs/lucid'
import ConsolePolicy from '#tenancy/console_policy'
import ProviderRegistry from '#providers/provider_registry'
import { recordStaffEvent } from '#audit/staff_action'
import { staffFieldNames } from '#http/staff_field_names'
import { statisticsFiltersValidator } from '#statistics/statistics_validator'
import UsageStatistics from '#statistics/usage_statistics'
import { localizedText } from '#shared/localized_text'
import type { LocalizedText } from '#plugin_host/define_plugin'

/**
 * Statistics per program and month: hours granted and used, active
 * residents, usage per facility, and the twelve months to the chosen one.
 * Every count of 1–7 residents (and the figures beside it) shows as "*".
 * Each viewing is audited.
 */
export default class StaffStatisticsController {
  async index(ctx: HttpContext) {
    const { bouncer, request, inertia, tenant, i18n } = ctx
    await bouncer.with(ConsolePolicy).authorize('staff', tenant)
    const filters = await request.validateUsing(statisticsFiltersValidator, {
      messagesProvider: staffFieldNames(ctx, 'staff_statistics.fields'),
    })
    const month = filters.month ?? UsageStatistics.currentMonth()
    const programs = await ProviderRegistry.contractablePrograms(tenant.municipalityId)
    const chosen = filters.program
      ? programs.find(({ plugin, program }) => `${plugin.id}/${program.code}` === filters.program)
      : null
    if (filters.program && !chosen) throw new lucidErrors.E_ROW_NOT_FOUND()
    const text = (value: LocalizedText) => localizedText(value, i18n.locale)

    const ref = chosen ? { pluginId: chosen.plugin.id, programCode: chosen.program.code } : null
    const statistics = new UsageStatistics(tenant.municipalityId, ref)
    const figures = await statistics.month(month)
    const facilities = await statistics.facilities(month)

    // The 12-month table of each program shown (the chosen one, or all)
    const months = UsageStatistics.twelveMonthsTo(month)
    const history = []
    for (const { plugin, program } of chosen ? [chosen] : programs) {
      const rows = await new UsageStatistics(tenant.municipalityId, {
        pluginId: plugin.id,
        programCode: program.code,
      }).months(months)
      history.push({
        key: `${plugin.id}/${program.code}`,
        name: text(program.name),
        months: rows.map((row) => ({
          month: row.month,
          granted: UsageStatistics.shownGrant(row.granted),
          used: UsageStatistics.shownUsage(row.used),
        })),
      })
    }

    await recordStaffEvent(ctx, {
      action: 'statistics.viewed',
      purpose: 'statistics',
      details: { program: filters.program ?? null, month },
    })

    return inertia.render('statistics/staff/index', {
      filters: { program: filters.program ?? '', month },
      programs: programs.map(({ plugin, program }) => ({
        key: `${plugin.id}/${program.code}`,
        name: text(program.name),
      })),
      summary: {
        granted: UsageStatistics.shownGrant(figures.granted),
        used: UsageStatistics.shownUsage(figures.used),
      },
      facilities: UsageStatistics.shownFacilities(facilities).map((row) => ({
        facilityId: row.facilityId,
        facility: row.facility ? text(row.facility) : null,
        provider: row.provider ? text(row.provider) : null,
        residents: row.residents,
        visits: row.visits,
        hours: row.hours,
      })),
      history,
    })
  }
}
