import type { HttpContext } from '@adonisjs/core/http'
import ConsolePolicy from '#tenancy/console_policy'
import CsvExportJobs, { ExportFormRefusal } from '#usage/csv_export_jobs'
import { staffActionFrom } from '#audit/staff_action'
import { staffFieldNames } from '#http/staff_field_names'
import { csvExportValidator } from '#usage/staff_csv_validator'

/**
 * Starting an export: checked against this municipality (a month, one of
 * its facilities, one of its residents, an enabled plugin's format),
 * recorded, then run as a job whose page offers the download.
 */
export default class StaffCsvExportsController {
  async store(ctx: HttpContext) {
    const { bouncer, request, response, session, tenant, i18n } = ctx
    await bouncer.with(ConsolePolicy).authorize('staff', tenant)
    const form = await request.validateUsing(csvExportValidator, {
      messagesProvider: staffFieldNames(ctx, 'staff_csv.fields'),
    })
    const slug = tenant.municipality.slug
    try {
      const job = await CsvExportJobs.start(
        tenant.municipalityId,
        form,
        i18n.locale,
        staffActionFrom(ctx)
      )
      return response.redirect(`/m/${slug}/csv/jobs/${job.id}`)
    } catch (error) {
      if (!(error instanceof ExportFormRefusal)) throw error
      session.flash('inputErrorsBag', { [error.field]: i18n.t(`staff_csv.errors.${error.code}`) })
      session.flashAll()
      return response.redirect(`/m/${slug}/csv`)
    }
  }
}
