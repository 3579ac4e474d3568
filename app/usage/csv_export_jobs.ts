import app from '@adonisjs/core/services/app'
import db from '@adonisjs/lucid/services/db'
import i18nManager from '@adonisjs/i18n/services/main'
import AuditTrail from '#audit/audit_trail'
import type { StaffAction } from '#audit/staff_action'
import type { CsvEncoding } from '#csv/csv_export'
import CsvJobs, { type CsvJobKind } from '#csv/csv_jobs'
import UsageExports, { type ExportRequest } from '#usage/usage_exports'
import Municipality from '#tenancy/municipality'
import Resident from '#residents/resident'
import type CsvJob from '#csv/csv_job'
import type { JobContext } from '#queue/job'

/** What the export form sends, checked by staff_csv_validator */
export type ExportForm = {
  format: string
  month?: string
  facility?: number
  resident_number?: string
  encoding: CsvEncoding
}

/** A field of the form and why it is refused (staff_csv.errors.<code>) */
export class ExportFormRefusal extends Error {
  constructor(
    readonly field: keyof ExportForm,
    readonly code:
      | 'month_required'
      | 'unknown_facility'
      | 'resident_required'
      | 'unknown_resident'
      | 'unknown_format'
  ) {
    super(`export refused: ${field} ${code}`)
  }
}

export type ExportFormat = {
  value: string
  label: string
  /** What the form must also give */
  needs: 'month' | 'resident'
  /** Whether a facility can narrow it */
  byFacility: boolean
}

/**
 * Usage exports as jobs: the form's choices, starting an export (checked
 * against this municipality, audited as csv.export_requested with its
 * filters) and running it into a file for download.
 */
export default class CsvExportJobs {
  /** The formats this municipality can export: the core's and its enabled plugins' */
  static async formats(municipalityId: number, locale: string): Promise<ExportFormat[]> {
    const i18n = i18nManager.locale(locale)
    const formats: ExportFormat[] = [
      { value: 'facility_month', needs: 'month', byFacility: true, label: '' },
      { value: 'facility_month_totals', needs: 'month', byFacility: true, label: '' },
      { value: 'resident_history', needs: 'resident', byFacility: false, label: '' },
    ].map(
      (format) =>
        ({ ...format, label: i18n.t(`staff_csv.formats.${format.value}`) }) as ExportFormat
    )
    const host = await app.container.make('plugins')
    const enabled = await this.#enabledPlugins(municipalityId)
    for (const plugin of host.plugins) {
      if (!enabled.has(plugin.id)) continue
      for (const spec of plugin.csv?.export ?? []) {
        formats.push({
          value: `plugin:${plugin.id}:${spec.key}`,
          label: `${plugin.name[locale === 'en' ? 'en' : 'ja']}: ${spec.name[locale === 'en' ? 'en' : 'ja']}`,
          needs: 'month',
          byFacility: false,
        })
      }
    }
    return formats
  }

  /** Facilities of providers contracted in this municipality */
  static async facilities(municipalityId: number, locale: string) {
    const rows = await db
      .from('facilities as f')
      .whereIn(
        'f.provider_id',
        db.from('provider_contracts').where('municipality_id', municipalityId).select('provider_id')
      )
      .select('f.id', 'f.name_ja', 'f.name_en')
      .orderBy('f.name_ja')
    return rows.map((row) => ({
      id: Number(row.id),
      name: locale === 'en' ? row.name_en : row.name_ja,
    }))
  }

  /**
   * Checks the form against this municipality and turns it into an export
   * request; refuses a field with ExportFormRefusal.
   */
  static async requestFrom(municipalityId: number, form: ExportForm) {
    const needsMonth = () => {
      if (!form.month) throw new ExportFormRefusal('month', 'month_required')
      return form.month
    }
    if (form.format === 'facility_month' || form.format === 'facility_month_totals') {
      const month = needsMonth()
      if (form.facility !== undefined) {
        const facilities = await this.facilities(municipalityId, 'ja')
        if (!facilities.some((facility) => facility.id === form.facility)) {
          throw new ExportFormRefusal('facility', 'unknown_facility')
        }
      }
      return {
        request: { format: form.format, month, facilityId: form.facility } as ExportRequest,
        resident: null,
      }
    }
    if (form.format === 'resident_history') {
      if (!form.resident_number) throw new ExportFormRefusal('resident_number', 'resident_required')
      const resident = await Resident.query()
        .where('municipality_id', municipalityId)
        .where('resident_number', form.resident_number)
        .first()
      if (!resident) throw new ExportFormRefusal('resident_number', 'unknown_resident')
      return {
        request: { format: 'resident_history', residentId: resident.id } as ExportRequest,
        resident,
      }
    }
    const [prefix, pluginId, specKey] = form.format.split(':')
    if (prefix === 'plugin' && pluginId && specKey) {
      const enabled = await this.#enabledPlugins(municipalityId)
      const host = await app.container.make('plugins')
      const spec = host.get(pluginId)?.csv?.export?.find((candidate) => candidate.key === specKey)
      if (enabled.has(pluginId) && spec) {
        return {
          request: { format: 'plugin', pluginId, specKey, month: needsMonth() } as ExportRequest,
          resident: null,
        }
      }
    }
    throw new ExportFormRefusal('format', 'unknown_format')
  }

  static kindOf(request: ExportRequest): CsvJobKind {
    switch (request.format) {
      case 'facility_month':
      case 'facility_month_totals':
        return 'export_facility_month'
      case 'resident_history':
        return 'export_resident_history'
      case 'plugin':
        return `export_plugin_${request.pluginId}`
    }
  }

  /**
   * Records the request (csv.export_requested, with its filters and, for a
   * resident's history, the resident) with the job in one transaction,
   * then starts the job.
   */
  static async start(
    municipalityId: number,
    form: ExportForm,
    locale: string,
    by: StaffAction
  ): Promise<CsvJob> {
    const { request, resident } = await this.requestFrom(municipalityId, form)
    const job = await db.transaction(async (trx) => {
      const created = await CsvJobs.create(
        {
          municipalityId,
          kind: this.kindOf(request),
          params: {
            request,
            encoding: form.encoding,
            locale,
            residentNumber: resident?.residentNumber ?? null,
          },
          requestedByUserId: by.actorUserId!,
        },
        trx
      )
      await AuditTrail.record(
        {
          municipalityId,
          action: 'csv.export_requested',
          actorUserId: by.actorUserId,
          actorRole: by.actorRole,
          subjectResidentId: resident?.id ?? null,
          purpose: 'usage_report',
          source: by.source,
          destination: `csv_job:${created.id}`,
          details: { csv_job_id: created.id, ...filtersOf(request), encoding: form.encoding },
        },
        trx
      )
      return created
    })
    await CsvJobs.dispatch(job)
    return job
  }

  static async run(csvJobId: number, context?: JobContext) {
    await CsvJobs.run(
      csvJobId,
      async (job, progress) => {
        const request = job.params.request as ExportRequest
        const encoding = job.params.encoding as CsvEncoding
        const i18n = i18nManager.locale(String(job.params.locale ?? 'ja'))
        const municipality = await Municipality.findOrFail(job.municipalityId)
        // A provider console's export (ProviderExportJobs) holds its provider's rows only
        const providerId = job.params.providerId as number | undefined
        const exports = new UsageExports(
          job.municipalityId,
          i18n,
          { providerId },
          { dateStyle: municipality.dateStyle }
        )
        const fileName = await CsvJobs.newFileName('csv')
        const { rows, encodingReport } = await exports.write(
          request,
          encoding,
          CsvJobs.pathOf(fileName),
          (done, total) => progress.update(done, total)
        )
        const names = await exports.fileNames(
          request,
          municipality.code,
          (job.params.residentNumber as string | null) ?? undefined
        )
        return {
          result: {
            rows,
            encoding,
            asciiName: names.asciiName,
            ...(encodingReport.replaced > 0 ? { replaced: encodingReport } : {}),
          },
          file: { path: fileName, name: names.name },
        }
      },
      context
    )
  }

  static async #enabledPlugins(municipalityId: number) {
    const rows = await db
      .from('municipality_plugins')
      .where('municipality_id', municipalityId)
      .select('plugin_id')
    return new Set(rows.map((row) => row.plugin_id as string))
  }
}

/** The filters of an export, for its audit event (identifiers only) */
export function filtersOf(request: ExportRequest) {
  switch (request.format) {
    case 'facility_month':
    case 'facility_month_totals':
      return {
        format: request.format,
        month: request.month,
        facility_id: request.facilityId ?? null,
      }
    case 'resident_history':
      return { format: request.format, resident_id: request.residentId }
    case 'plugin':
      return {
        format: request.format,
        plugin_id: request.pluginId,
        spec: request.specKey,
        month: request.month,
      }
  }
}
