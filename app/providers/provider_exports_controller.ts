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
import { ownFacility } from '#tenancy/provider_facilities'
import { auditedNotFound, staffActionFrom } from '#audit/staff_action'
import { staffFieldNames } from '#http/staff_field_names'
import { providerExportValidator } from '#providers/provider_history_validator'

/**
 * The provider console's CSV exports of a month (requested from the
 * history page, followed on the job page, downloaded), for the provider
 * the signed-in member of staff works for (ctx.provider, never from the
 * URL). A facility or job that is not this provider's answers 404 and
 * goes on the record.
 */
export default class ProviderExportsController {
  async exportStore(ctx: HttpContext) {
    const { request, response, session, tenant, i18n, provider } = ctx
    const form = await request.validateUsing(providerExportValidator, {
      messagesProvider: staffFieldNames(ctx, 'provider_history.fields'),
    })
    await ownFacility(ctx, form.facility, 'provider.facility_not_found')
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
    return inertia.render('providers/provider/history/export', {
      job: CsvJobView.summary(job, i18n),
    })
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

  /** One of the provider's export jobs, or 404 on the record */
  async #job(ctx: HttpContext): Promise<CsvJob> {
    const id = Number(ctx.params.providerExport)
    const job = await ProviderExportJobs.find(ctx.tenant.municipalityId, ctx.provider.id, id)
    if (!job) return auditedNotFound(ctx, 'provider.csv_job_not_found', { csv_job_id: id })
    return job
  }
}
