import { createReadStream } from 'node:fs'
import { stat } from 'node:fs/promises'
import type { HttpContext } from '@adonisjs/core/http'
import { errors as lucidErrors } from '@adonisjs/lucid'
import AuditTrail from '#audit/audit_trail'
import { csvDownloadHeaders, type CsvEncoding } from '#csv/csv_export'
import CsvJobs from '#csv/csv_jobs'
import CsvJobView from '#usage/csv_job_view'
import ProviderExportJobs, { ProviderExportRefusal } from '#providers/provider_export_jobs'
import type CsvJob from '#csv/csv_job'
import { localizedText } from '#shared/localized_text'
import ProviderHistory, { HISTORY_STATUSES } from '#providers/provider_history'
import ProviderMemos from '#providers/provider_memos'
import { currentMonthInJapan } from '#usage/usage_search'
import { auditedNotFound, recordStaffEvent, staffActionFrom } from '#audit/staff_action'
import { staffFieldNames } from '#http/staff_field_names'
import {
  providerExportValidator,
  providerHistoryFiltersValidator,
} from '#providers/provider_history_validator'

/**
 * The provider console's monthly history (月次実績) per facility and
 * program with totals and co-payments, and its CSV exports of a month
 * (requested, followed on the job page, downloaded), for the provider the
 * signed-in member of staff works for (ctx.provider, never from the URL).
 * A facility, job or visit that is not this provider's answers 404 and
 * goes on the record.
 */
export default class HistoryController {
  async index(ctx: HttpContext) {
    const { request, inertia, tenant, i18n, provider } = ctx
    const history = new ProviderHistory(tenant.municipalityId, provider.id)
    const programs = await history.programs()
    const programKeys = programs.map(({ plugin, program }) => `${plugin.id}:${program.code}`)
    const input = await request.validateUsing(providerHistoryFiltersValidator, {
      meta: { programs: programKeys },
      messagesProvider: staffFieldNames(ctx, 'provider_history.fields'),
    })
    if (input.facility !== undefined) await this.#facility(ctx, input.facility)
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

    const locale = i18n.locale
    const facilityName = (id: number | null) => {
      const facility = provider.facilities.find((candidate) => candidate.id === id)
      return facility ? facility.nameIn(locale) : null
    }
    const jobs = await ProviderExportJobs.recent(tenant.municipalityId, provider.id)
    return inertia.render('provider/history/index', {
      filters: {
        month,
        facility: input.facility ? String(input.facility) : '',
        program: input.program ?? '',
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
        visits: group.visits.map((visit) => ({
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
        })),
      })),
      exportForm: {
        formats: await ProviderExportJobs.formats(tenant.municipalityId, provider.id, locale),
        encodings: ['utf8_bom', 'cp932'].map((value) => ({
          value,
          label: i18n.t(`staff_csv.export.encodings.${value}`),
        })),
      },
      jobs: jobs.map((job) => CsvJobView.summary(job, i18n)),
    })
  }

  async exportStore(ctx: HttpContext) {
    const { request, response, session, tenant, i18n, provider } = ctx
    const form = await request.validateUsing(providerExportValidator, {
      messagesProvider: staffFieldNames(ctx, 'provider_history.fields'),
    })
    await this.#facility(ctx, form.facility)
    const base = `/m/${tenant.municipality.slug}/provider`
    try {
      const job = await ProviderExportJobs.start(
        tenant.municipalityId,
        provider.id,
        form,
        i18n.locale,
        staffActionFrom(ctx)
      )
      return response.redirect(`${base}/exports/${job.id}`)
    } catch (error) {
      if (!(error instanceof ProviderExportRefusal)) throw error
      session.flash('inputErrorsBag', {
        [error.field]: i18n.t(`provider_history.errors.${error.code}`),
      })
      session.flashAll()
      return response.redirect(`${base}/history?month=${form.month}`)
    }
  }

  async exportShow(ctx: HttpContext) {
    const { inertia, i18n } = ctx
    const job = await this.#job(ctx)
    return inertia.render('provider/history/export', { job: CsvJobView.summary(job, i18n) })
  }

  async exportDownload(ctx: HttpContext) {
    const { tenant, response, provider } = ctx
    const job = await this.#job(ctx)
    if (job.status !== 'done' || !job.filePath || !job.fileName) {
      throw new lucidErrors.E_ROW_NOT_FOUND()
    }
    const path = CsvJobs.pathOf(job.filePath)
    const file = await stat(path).catch(() => null)
    if (!file) throw new lucidErrors.E_ROW_NOT_FOUND()

    // Recorded before the first byte leaves: no download without its record.
    const by = staffActionFrom(ctx)
    await AuditTrail.record({
      municipalityId: tenant.municipalityId,
      action: 'provider.csv_downloaded',
      actorUserId: by.actorUserId,
      actorRole: by.actorRole,
      purpose: 'usage_report',
      source: by.source,
      destination: `file:${job.fileName}`,
      details: {
        csv_job_id: job.id,
        provider_id: provider.id,
        kind: job.kind,
        rows: job.result?.rows ?? null,
        bytes: file.size,
      },
    })
    const headers = csvDownloadHeaders(job.params.encoding as CsvEncoding, {
      name: job.fileName,
      asciiName: String(job.result?.asciiName ?? `csv_job_${job.id}.csv`),
      size: file.size,
    })
    for (const [name, value] of Object.entries(headers)) response.header(name, value)
    return response.stream(createReadStream(path))
  }

  /** One of the provider's facilities, or 404 on the record */
  async #facility(ctx: HttpContext, facilityId: number) {
    const facility = ctx.provider.facilities.find((candidate) => candidate.id === facilityId)
    if (!facility) {
      await auditedNotFound(ctx, 'provider.facility_not_found', { facility_id: facilityId })
    }
    return facility!
  }

  /** One of the provider's export jobs, or 404 on the record */
  async #job(ctx: HttpContext): Promise<CsvJob> {
    const id = Number(ctx.params.providerExport)
    const job = await ProviderExportJobs.find(ctx.tenant.municipalityId, ctx.provider.id, id)
    if (!job) return auditedNotFound(ctx, 'provider.csv_job_not_found', { csv_job_id: id })
    return job
  }
}
