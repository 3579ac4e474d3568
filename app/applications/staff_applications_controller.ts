import type { HttpContext } from '@adonisjs/core/http'
import ConsolePolicy from '#tenancy/console_policy'
import LedgerRefusal from '#ledger/ledger_refusal'
import ProgramCatalog from '#ledger/program_catalog'
import Child from '#residents/child'
import { recordStaffEvent } from '#audit/staff_action'
import { staffFieldNames } from '#http/staff_field_names'
import { applicationQueueValidator } from '#applications/staff_applications_validator'
import ProgramApplications, {
  APPLICATION_STATUSES,
  QUEUE_PAGE_SIZE,
} from '#applications/program_applications'
import ApplicationPresenter from '#applications/application_presenter'
import { applicationQueuePrograms } from '#applications/application_queue_programs'

const PURPOSE = 'application_review'

/**
 * The applications queue of the staff console: residents' applications to
 * programs, reviewed with the answers to the plugin's form. Every reading
 * of residents' data is audited. Approval and rejection are
 * StaffApplicationDecisionsController.
 */
export default class StaffApplicationsController {
  async index(ctx: HttpContext) {
    const { bouncer, request, inertia, tenant, i18n } = ctx
    await bouncer.with(ConsolePolicy).authorize('staff', tenant)
    const filters = await request.validateUsing(applicationQueueValidator, {
      messagesProvider: staffFieldNames(ctx, 'staff_applications.fields'),
    })
    const status = filters.status ?? 'submitted'
    const page = await ProgramApplications.queue(tenant.municipalityId, { ...filters, status })
    const rows = page.all()
    const present = new ApplicationPresenter(i18n)
    const programs = await applicationQueuePrograms(tenant.municipalityId, present)

    const residentIds = [...new Set(rows.map((application) => application.residentId))]
    await recordStaffEvent(ctx, {
      action: 'application.listed',
      purpose: PURPOSE,
      subjectResidentId: filters.resident && residentIds.length === 1 ? residentIds[0] : null,
      details: {
        filters: { ...filters, status },
        application_ids: rows.map((application) => application.id),
        resident_ids: residentIds,
      },
    })

    return inertia.render('applications/staff/index', {
      filters: {
        status,
        program: filters.program ?? '',
        resident: filters.resident ?? '',
      },
      statuses: [...APPLICATION_STATUSES, 'all'].map((code) => present.status(code)),
      programs: programs.filterChoices,
      applications: rows.map((application) => ({
        id: application.id,
        submittedAt: present.moment(application.createdAt),
        resident: present.resident(application.resident),
        program: programs.nameOf(application),
        child: present.child(application.child),
        status: present.status(application.status),
      })),
      pagination: {
        total: page.total,
        page: page.currentPage,
        lastPage: Math.max(1, Math.ceil(page.total / QUEUE_PAGE_SIZE)),
      },
    })
  }

  async show(ctx: HttpContext) {
    const { bouncer, params, inertia, tenant, i18n } = ctx
    await bouncer.with(ConsolePolicy).authorize('staff', tenant)
    const application = await ProgramApplications.find(tenant.municipalityId, params.application)
    await recordStaffEvent(ctx, {
      action: 'application.viewed',
      purpose: PURPOSE,
      subjectResidentId: application.residentId,
      details: {
        application_id: application.id,
        plugin_id: application.pluginId,
        program_code: application.programCode,
      },
    })

    const present = new ApplicationPresenter(i18n)
    const ref = { pluginId: application.pluginId, programCode: application.programCode }
    const { plugin, program } = await ProgramCatalog.find(ref)
    let preview = null
    let previewRefusal = null
    if (application.status === 'submitted') {
      try {
        preview = present.preview(
          await ProgramApplications.grantPreview(tenant.municipalityId, application)
        )
      } catch (error) {
        if (!(error instanceof LedgerRefusal)) throw error
        previewRefusal = error.translate(i18n)
      }
    }

    const householdChildren = await Child.query()
      .where('municipality_id', tenant.municipalityId)
      .where('resident_id', application.residentId)
      .orderBy('id')

    return inertia.render('applications/staff/show', {
      application: {
        id: application.id,
        status: present.status(application.status),
        submittedAt: present.moment(application.createdAt),
        decidedAt: present.moment(application.decidedAt),
        decidedBy: application.decidedBy?.fullName ?? null,
        decisionReason: application.decisionReason,
      },
      resident: present.resident(application.resident),
      child: present.child(application.child),
      // The household's children, for eligibility (e.g. up to 6th grade)
      householdChildren: householdChildren.map((child) => present.child(child)!),
      program: { name: present.text(program.name), plugin: present.text(plugin.name) },
      answers: present.answers(plugin.applicationForm?.fields ?? [], application.answers ?? {}),
      preview,
      previewRefusal,
    })
  }
}
