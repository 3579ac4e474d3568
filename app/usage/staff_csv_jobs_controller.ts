import { createReadStream } from 'node:fs'
import { stat } from 'node:fs/promises'
import type { HttpContext } from '@adonisjs/core/http'
import { errors as lucidErrors } from '@adonisjs/lucid'
import { DateTime } from 'luxon'
import ConsolePolicy from '#tenancy/console_policy'
import AuditTrail from '#audit/audit_trail'
import { httpAuditSource } from '#audit/http_audit_source'
import { csvDownloadHeaders, type CsvEncoding } from '#csv/csv_export'
import CsvJobs from '#csv/csv_jobs'
import CsvJobView from '#usage/csv_job_view'
import CsvImportJobs from '#residents/csv_import_jobs'
import CsvExportJobs from '#usage/csv_export_jobs'
import type { ExportRequest } from '#usage/usage_exports'
import { DEFAULT_IMPORT_LIMITS } from '#residents/resident_import'
import { auditedNotFound, recordStaffEvent, staffActionFrom } from '#audit/staff_action'

const MEGABYTE = 1024 * 1024

/** The header row of the resident import file, shown on the page */
const IMPORT_HEADER =
  '利用者ID,氏,名,氏（カナ）,名（カナ）,電話番号,子の出産予定日,子の生年月日,多胎'

/**
 * The CSV page (imports, exports, recent jobs), one job's progress and
 * result, committing a checked import, and downloading an export.
 * Municipal administrators and staff; jobs are found within the
 * municipality only (another municipality's job is 404).
 */
export default class StaffCsvJobsController {
  async index(ctx: HttpContext) {
    const { bouncer, inertia, tenant, i18n } = ctx
    await bouncer.with(ConsolePolicy).authorize('staff', tenant)
    const jobs = await CsvJobs.recent(tenant.municipalityId)
    const lastMonth = DateTime.now().setZone('Asia/Tokyo').minus({ months: 1 }).toFormat('yyyy-MM')
    return inertia.render('usage/staff/csv/index', {
      jobs: jobs.map((job) => CsvJobView.summary(job, i18n)),
      formats: await CsvExportJobs.formats(tenant.municipalityId, i18n.locale),
      facilities: await CsvExportJobs.facilities(tenant.municipalityId, i18n.locale),
      defaultMonth: lastMonth,
      maxMegabytes: DEFAULT_IMPORT_LIMITS.maxBytes / MEGABYTE,
      maxRows: DEFAULT_IMPORT_LIMITS.maxRows,
      importHeader: IMPORT_HEADER,
    })
  }

  async show(ctx: HttpContext) {
    const { bouncer, inertia, tenant, i18n } = ctx
    await bouncer.with(ConsolePolicy).authorize('staff', tenant)
    const job = await this.#job(ctx)
    // An import's page lists residents' rows and their errors: on the record.
    // The progress bar's poll of a job still at work shows no row yet, and
    // once a second for minutes would bury the trail; it is not recorded.
    const progressPoll =
      ctx.request.header('x-inertia-partial-data') !== undefined &&
      (job.status === 'queued' || job.status === 'running')
    if (!progressPoll)
      await recordStaffEvent(ctx, {
        action: 'csv_job.viewed',
        purpose: job.kind.startsWith('resident_import') ? 'resident_import' : 'usage_report',
        details: {
          csv_job_id: job.id,
          kind: job.kind,
          status: job.status,
          rows: (job.result?.report as { rows?: number } | undefined)?.rows ?? null,
        },
      })
    return inertia.render('usage/staff/csv/show', {
      job: {
        ...CsvJobView.summary(job, i18n),
        report: CsvJobView.importReport(job, i18n),
        previewJobId: (job.params.previewJobId as number | undefined) ?? null,
      },
    })
  }

  async commit(ctx: HttpContext) {
    const { bouncer, tenant, i18n, response, session } = ctx
    await bouncer.with(ConsolePolicy).authorize('staff', tenant)
    const preview = await this.#job(ctx)
    const outcome = await CsvImportJobs.requestCommit(preview, staffActionFrom(ctx))
    const slug = tenant.municipality.slug
    if ('refusal' in outcome) {
      session.flash('error', i18n.t(`staff_csv.commit_refusals.${outcome.refusal}`))
      return response.redirect(`/m/${slug}/csv/jobs/${preview.id}`)
    }
    return response.redirect(`/m/${slug}/csv/jobs/${outcome.job.id}`)
  }

  async download(ctx: HttpContext) {
    const { bouncer, tenant, response, auth } = ctx
    await bouncer.with(ConsolePolicy).authorize('staff', tenant)
    const job = await this.#job(ctx)
    if (job.status !== 'done' || !job.filePath || !job.fileName) {
      throw new lucidErrors.E_ROW_NOT_FOUND()
    }
    const path = CsvJobs.pathOf(job.filePath)
    const file = await stat(path).catch(() => null)
    if (!file) throw new lucidErrors.E_ROW_NOT_FOUND()

    const request = job.params.request as ExportRequest
    const encoding = job.params.encoding as CsvEncoding
    let subjectResidentId: number | null = null
    if (request.format === 'resident_history') subjectResidentId = request.residentId
    // Recorded before the first byte leaves: no download without its record.
    await AuditTrail.record({
      municipalityId: tenant.municipalityId,
      action: 'csv.downloaded',
      actorUserId: auth.getUserOrFail().id,
      actorRole: tenant.primaryRole,
      subjectResidentId,
      purpose: 'usage_report',
      source: httpAuditSource(ctx),
      destination: `file:${job.fileName}`,
      details: {
        csv_job_id: job.id,
        kind: job.kind,
        rows: job.result?.rows ?? null,
        bytes: file.size,
      },
    })

    const headers = csvDownloadHeaders(encoding, {
      name: job.fileName,
      asciiName: String(job.result?.asciiName ?? `csv_job_${job.id}.csv`),
      size: file.size,
    })
    for (const [name, value] of Object.entries(headers)) response.header(name, value)
    return response.stream(createReadStream(path))
  }

  /** The staff job named in the URL (a provider's export is not one: 404, audited) */
  async #job(ctx: HttpContext) {
    const id = Number(ctx.params.job)
    const job = await CsvJobs.find(ctx.tenant.municipalityId, id)
    if (!job) return auditedNotFound(ctx, 'csv_job.not_found', { csv_job_id: id })
    return job
  }
}
