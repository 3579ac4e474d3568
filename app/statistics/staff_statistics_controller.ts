import type { HttpContext } from '@adonisjs/core/http'
import { errors as lucidErrors } from '@adonisjs/lucid'
import ConsolePolicy from '#tenancy/console_policy'
import ProviderRegistry from '#providers/provider_registry'
import { recordStaffEvent } from '#audit/staff_action'
import { staffFieldNames } from '#http/staff_field_names'
import {
  statisticsExportValidator,
  statisticsFiltersValidator,
} from '#statistics/statistics_validator'
import StatisticsReport, { type ReportProgram } from '#statistics/statistics_report'
import { periodAsked, recentFiscalYears } from '#statistics/statistics_period'
import { statisticsCsv } from '#statistics/statistics_csv'
import { localizedText } from '#shared/localized_text'
import { csvDownloadHeaders } from '#csv/csv_export'

/**
 * Statistics of a period (a fiscal year by default, a month or a range of
 * months) per program: hours granted and used, active residents, usage
 * per facility, and a table of each month with the period's total, on
 * screen and as CSV. Every count of 1–7 residents (and the figures beside
 * it) shows as "*". Each viewing and export is audited.
 */
export default class StaffStatisticsController {
  async index(ctx: HttpContext) {
    const { bouncer, request, inertia, tenant } = ctx
    await bouncer.with(ConsolePolicy).authorize('staff', tenant)
    const filters = await request.validateUsing(statisticsFiltersValidator, {
      messagesProvider: staffFieldNames(ctx, 'staff_statistics.fields'),
    })
    const { programs, chosen } = await this.#programs(ctx, filters.program)
    const period = periodAsked(filters)
    const report = new StatisticsReport(tenant.municipalityId, period)
    const overview = await report.overview(chosen)

    await recordStaffEvent(ctx, {
      action: 'statistics.viewed',
      purpose: 'statistics',
      details: { program: filters.program ?? null, from: period.from, to: period.to },
    })

    return inertia.render('statistics/staff/index', {
      filters: { program: filters.program ?? '', ...period },
      fiscalYears: recentFiscalYears(),
      programs: programs.map(({ key, name }) => ({ key, name })),
      summary: overview.summary,
      facilities: overview.facilities.map((row) => ({
        facilityId: row.facilityId,
        facility: row.facility ? localizedText(row.facility, ctx.i18n.locale) : null,
        provider: row.provider ? localizedText(row.provider, ctx.i18n.locale) : null,
        residents: row.residents,
        visits: row.visits,
        hours: row.hours,
      })),
      history: await report.tables(chosen ? [chosen] : programs),
    })
  }

  /** The monthly tables of the screen as a CSV file, small cells suppressed the same way */
  async export(ctx: HttpContext) {
    const { bouncer, request, response, tenant, i18n } = ctx
    await bouncer.with(ConsolePolicy).authorize('staff', tenant)
    const filters = await request.validateUsing(statisticsExportValidator, {
      messagesProvider: staffFieldNames(ctx, 'staff_statistics.fields'),
    })
    const { programs, chosen } = await this.#programs(ctx, filters.program)
    const period = periodAsked(filters)
    const encoding = filters.encoding ?? 'utf8_bom'
    const tables = await new StatisticsReport(tenant.municipalityId, period).tables(
      chosen ? [chosen] : programs
    )
    const file = await statisticsCsv(i18n, tenant.municipality.code, period, tables, encoding)

    // Recorded before the file leaves: no export without its record.
    await recordStaffEvent(ctx, {
      action: 'statistics.exported',
      purpose: 'statistics',
      details: {
        program: filters.program ?? null,
        from: period.from,
        to: period.to,
        encoding,
        file: file.asciiName,
      },
    })
    const headers = csvDownloadHeaders(encoding, file)
    for (const [name, value] of Object.entries(headers)) {
      response.header(name, value)
    }
    return response.send(file.bytes)
  }

  /** The programs the municipality offers, and the one asked for (404 when unknown) */
  async #programs(ctx: HttpContext, asked: string | undefined) {
    const offered = await ProviderRegistry.contractablePrograms(ctx.tenant.municipalityId)
    const programs: ReportProgram[] = offered.map(({ plugin, program }) => ({
      key: `${plugin.id}/${program.code}`,
      name: localizedText(program.name, ctx.i18n.locale),
      pluginId: plugin.id,
      programCode: program.code,
    }))
    const chosen = asked ? (programs.find((program) => program.key === asked) ?? null) : null
    if (asked && !chosen) throw new lucidErrors.E_ROW_NOT_FOUND()
    return { programs, chosen }
  }
}
