import type { HttpContext } from '@adonisjs/core/http'
import type { ResolvedProgram } from '#ledger/program_catalog'
import CsvJobView from '#usage/csv_job_view'
import ProviderExportJobs from '#providers/provider_export_jobs'
import { HISTORY_STATUSES, type HistoryGroup, type HistoryVisit } from '#providers/provider_history'
import type { ProviderMemo } from '#providers/provider_memos'
import { localizedText } from '#shared/localized_text'

/** What the history page was asked for and found */
export type HistoryPageData = {
  filters: { month: string; facility?: number; program?: string }
  programs: ResolvedProgram[]
  groups: HistoryGroup[]
  memos: ProviderMemo[]
}

/** One visit of a group as its row shows it, with its memos */
function visitRow(group: HistoryGroup, visit: HistoryVisit, memos: ProviderMemo[], locale: string) {
  return {
    id: visit.id,
    visitDate: visit.visitDate,
    visitStart: visit.visitStart,
    residentNumber: visit.residentNumber,
    residentName: visit.residentName,
    service:
      localizedText(
        group.program?.services.find((service) => service.code === visit.service)?.name,
        locale
      ) ?? visit.service,
    minutes: visit.minutes,
    status: visit.status,
    reason: visit.reason,
    copaymentTiers: visit.copaymentTiers,
    copaymentYen: visit.copaymentYen,
    memos: memos
      .filter((memo) => memo.redemptionId === visit.id)
      .map((memo) => ({ id: memo.id, body: memo.body })),
  }
}

/**
 * The monthly history page (provider/history/index) in the viewer's
 * language: the filters and their choices, each facility and program's
 * visits with totals and memos, the export form and the recent exports.
 */
export async function providerHistoryPage(
  { tenant, i18n, provider }: HttpContext,
  { filters, programs, groups, memos }: HistoryPageData
) {
  const locale = i18n.locale
  const facilityName = (id: number | null) => {
    const facility = provider.facilities.find((candidate) => candidate.id === id)
    return facility ? facility.nameIn(locale) : null
  }
  const jobs = await ProviderExportJobs.recent(tenant.municipalityId, provider.id)
  return {
    filters: {
      month: filters.month,
      facility: filters.facility ? String(filters.facility) : '',
      program: filters.program ?? '',
    },
    facilities: provider.facilities.map((facility) => ({
      id: facility.id,
      name: facility.nameIn(locale),
    })),
    programs: programs.map(({ plugin, program }) => ({
      key: `${plugin.id}:${program.code}`,
      name: localizedText(program.name, locale),
    })),
    statuses: HISTORY_STATUSES,
    groups: groups.map((group) => ({
      key: `${group.facilityId ?? 'none'}-${group.pluginId}-${group.programCode}`,
      facility: facilityName(group.facilityId),
      program: group.program ? localizedText(group.program.name, locale) : group.programCode,
      hasCopayment: group.totals.copaymentYen !== null,
      totals: group.totals,
      visits: group.visits.map((visit) => visitRow(group, visit, memos, locale)),
    })),
    exportForm: {
      formats: await ProviderExportJobs.formats(tenant.municipalityId, provider.id, locale),
      encodings: ['utf8_bom', 'cp932'].map((value) => ({
        value,
        label: i18n.t(`staff_csv.export.encodings.${value}`),
      })),
    },
    jobs: jobs.map((job) => CsvJobView.summary(job, i18n)),
  }
}
