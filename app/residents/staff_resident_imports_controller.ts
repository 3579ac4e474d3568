import { readFile } from 'node:fs/promises'
import type { HttpContext } from '@adonisjs/core/http'
import ConsolePolicy from '#tenancy/console_policy'
import CsvImportJobs from '#residents/csv_import_jobs'
import { staffActionFrom } from '#audit/staff_action'
import Uploads from '#http/uploads'
import { staffFieldNames } from '#http/staff_field_names'
import { csvImportValidator } from '#residents/resident_import_validator'

/**
 * Uploading a resident CSV: a file that is no CSV at all (too large,
 * empty, a workbook, binary) is refused at once with the import engine's
 * reason; otherwise its preview starts as a job and staff follow it on the
 * job's page.
 */
export default class StaffResidentImportsController {
  async store(ctx: HttpContext) {
    const { bouncer, request, response, session, tenant, i18n } = ctx
    await bouncer.with(ConsolePolicy).authorize('staff', tenant)
    await Uploads.receive(ctx)
    const { file } = await request.validateUsing(csvImportValidator, {
      messagesProvider: staffFieldNames(ctx, 'staff_csv.fields'),
    })
    const bytes = await readFile(file.tmpPath!)
    const refusal = CsvImportJobs.refusalOf(bytes)
    const slug = tenant.municipality.slug
    if (refusal) {
      session.flash('inputErrorsBag', {
        file: i18n.t(`csv_import.errors.${refusal.code}`, refusal.values ?? {}),
      })
      return response.redirect(`/m/${slug}/csv`)
    }
    const job = await CsvImportJobs.start(tenant.municipalityId, bytes, staffActionFrom(ctx))
    return response.redirect(`/m/${slug}/csv/jobs/${job.id}`)
  }
}
