import db from '@adonisjs/lucid/services/db'
import i18nManager from '@adonisjs/i18n/services/main'
import AuditTrail from '#audit/audit_trail'
import type { StaffAction } from '#audit/staff_action'
import type { CsvEncoding } from '#csv/csv_export'
import CsvJobs, { PROVIDER_JOB_PREFIX, type CsvJobKind } from '#csv/csv_jobs'
import type { ExportRequest } from '#usage/usage_exports'
import CsvJob from '#csv/csv_job'
import ProviderHistory from '#providers/provider_history'
import { localizedText } from '#shared/localized_text'

/** What the provider console's export form sends (already checked for shape) */
export type ProviderExportForm = {
  format: string
  month: string
  /** One of the provider's facilities (the controller checks it, 404 otherwise) */
  facility: number
  encoding: CsvEncoding
}

/** A field of the form and why it is refused (provider_history.errors.<code>) */
export class ProviderExportRefusal extends Error {
  constructor(
    readonly field: 'format',
    readonly code: 'unknown_format'
  ) {
    super(`provider export refused: ${field} ${code}`)
  }
}

export type ProviderExportFormat = { value: string; label: string }

/**
 * The provider console's month exports as CSV jobs: the facility month
 * file (施設別利用実績) and the declared formats of the plugins whose
 * programs the provider is contracted for here, always for one of its
 * facilities and only its own visits (the job carries its provider id;
 * UsageExports reads that provider's rows only).
 *
 * Its jobs are kept apart from the municipality's (kind prefix
 * provider_export_): a provider's staff find only their provider's jobs,
 * the municipality's CSV screen never lists or serves them.
 */
export default class ProviderExportJobs {
  static async formats(
    municipalityId: number,
    providerId: number,
    locale: string
  ): Promise<ProviderExportFormat[]> {
    const i18n = i18nManager.locale(locale)
    const formats: ProviderExportFormat[] = [
      { value: 'facility_month', label: i18n.t('staff_csv.formats.facility_month') },
    ]
    const programs = await new ProviderHistory(municipalityId, providerId).programs()
    const seen = new Set<string>()
    for (const { plugin } of programs) {
      if (seen.has(plugin.id)) continue
      seen.add(plugin.id)
      for (const spec of plugin.csv?.export ?? []) {
        formats.push({
          value: `plugin:${plugin.id}:${spec.key}`,
          label: `${localizedText(plugin.name, locale)}: ${localizedText(spec.name, locale)}`,
        })
      }
    }
    return formats
  }

  /** The export request of a form, or ProviderExportRefusal for a format not offered */
  static async requestFrom(
    municipalityId: number,
    providerId: number,
    form: ProviderExportForm
  ): Promise<ExportRequest> {
    const offered = await this.formats(municipalityId, providerId, 'ja')
    if (!offered.some((format) => format.value === form.format)) {
      throw new ProviderExportRefusal('format', 'unknown_format')
    }
    if (form.format === 'facility_month') {
      return { format: 'facility_month', month: form.month, facilityId: form.facility }
    }
    const [, pluginId, specKey] = form.format.split(':')
    return { format: 'plugin', pluginId, specKey, month: form.month, facilityId: form.facility }
  }

  static kindOf(request: ExportRequest): CsvJobKind {
    return request.format === 'plugin'
      ? `${PROVIDER_JOB_PREFIX}plugin_${request.pluginId}`
      : `${PROVIDER_JOB_PREFIX}facility_month`
  }

  /**
   * Records the request (provider.csv_export_requested, with its filters)
   * with the job in one transaction, then starts the job.
   */
  static async start(
    municipalityId: number,
    providerId: number,
    form: ProviderExportForm,
    locale: string,
    by: StaffAction
  ): Promise<CsvJob> {
    const request = await this.requestFrom(municipalityId, providerId, form)
    const job = await db.transaction(async (trx) => {
      const created = await CsvJobs.create(
        {
          municipalityId,
          kind: this.kindOf(request),
          params: { request, encoding: form.encoding, locale, providerId },
          requestedByUserId: by.actorUserId!,
        },
        trx
      )
      await AuditTrail.record(
        {
          municipalityId,
          action: 'provider.csv_export_requested',
          actorUserId: by.actorUserId,
          actorRole: by.actorRole,
          purpose: 'usage_report',
          source: by.source,
          destination: `csv_job:${created.id}`,
          details: {
            csv_job_id: created.id,
            provider_id: providerId,
            format: form.format,
            month: form.month,
            facility_id: form.facility,
            encoding: form.encoding,
          },
        },
        trx
      )
      return created
    })
    await CsvJobs.dispatch(job)
    return job
  }

  /** A job of this provider here, or null (the municipality's and other providers' are not found) */
  static async find(municipalityId: number, providerId: number, id: number) {
    const job = await this.#jobs(municipalityId, providerId).where('id', id).first()
    return job && job.params.providerId === providerId ? job : null
  }

  static async recent(municipalityId: number, providerId: number, limit = 10) {
    const jobs = await this.#jobs(municipalityId, providerId)
      .orderBy('created_at', 'desc')
      .orderBy('id', 'desc')
      .limit(limit)
    return jobs.filter((job) => job.params.providerId === providerId)
  }

  /**
   * Provider export jobs here requested by someone who works for the
   * provider here (params.providerId, checked after reading, is the rule;
   * this keeps the query to the provider's own rows).
   */
  static #jobs(municipalityId: number, providerId: number) {
    return CsvJob.query()
      .where('municipality_id', municipalityId)
      .where('kind', 'like', `${PROVIDER_JOB_PREFIX}%`)
      .whereIn(
        'requested_by_user_id',
        db
          .from('memberships')
          .where('municipality_id', municipalityId)
          .where('provider_id', providerId)
          .select('user_id')
      )
  }
}
