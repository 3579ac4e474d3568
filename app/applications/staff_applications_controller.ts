import type { HttpContext } from '@adonisjs/core/http'
import app from '@adonisjs/core/services/app'
import db from '@adonisjs/lucid/services/db'
import PluginPermissionPolicy from '#plugin_host/plugin_permission_policy'
import ConsolePolicy from '#tenancy/console_policy'
import LedgerRefusal, { type LedgerRefusalCode } from '#ledger/ledger_refusal'
import ProgramCatalog from '#ledger/program_catalog'
import type Application from '#applications/application'
import Child from '#residents/child'
import { recordStaffEvent, staffActionFrom } from '#audit/staff_action'
import { staffFieldNames } from '#http/staff_field_names'
import {
  applicationQueueValidator,
  approveApplicationValidator,
  rejectApplicationValidator,
} from '#applications/staff_applications_validator'
import ProgramApplications, {
  APPLICATION_STATUSES,
  QUEUE_PAGE_SIZE,
} from '#applications/program_applications'
import ApplicationRefusal from '#applications/application_refusal'
import ApplicationPresenter from '#applications/application_presenter'

const PURPOSE = 'application_review'

/** Where a ledger refusal is shown on the approve form */
const REFUSAL_FIELD: Partial<Record<LedgerRefusalCode, 'units' | 'copayment_tier' | 'child_id'>> = {
  invalid_amount: 'units',
  below_minimum: 'units',
  not_whole_units: 'units',
  cap_exceeded: 'units',
  copayment_tier_required: 'copayment_tier',
  unknown_copayment_tier: 'copayment_tier',
  child_required: 'child_id',
  child_not_found: 'child_id',
  child_dates_missing: 'child_id',
}

/**
 * The applications queue of the staff console: residents' applications to
 * programs, reviewed with the answers to the plugin's form, approved (the
 * program's default grant is issued) or rejected with a reason the
 * resident sees. Every reading of residents' data and every decision is
 * audited.
 */
export default class ApplicationsController {
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
    const programs = await this.#programs(ctx)
    const programName = (application: Application) =>
      programs.find(
        (program) => program.value === `${application.pluginId}:${application.programCode}`
      )?.label ?? `${application.pluginId}:${application.programCode}`

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

    return inertia.render('staff/applications/index', {
      filters: {
        status,
        program: filters.program ?? '',
        resident: filters.resident ?? '',
      },
      statuses: [...APPLICATION_STATUSES, 'all'].map((code) => present.status(code)),
      programs: programs
        .filter((program) => program.enabled)
        .map(({ value, label }) => ({ value, label })),
      applications: rows.map((application) => ({
        id: application.id,
        submittedAt: present.moment(application.createdAt),
        resident: present.resident(application.resident),
        program: programName(application),
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

    return inertia.render('staff/applications/show', {
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

  async approve(ctx: HttpContext) {
    const { bouncer, params, request, response, session, tenant, i18n } = ctx
    await bouncer.with(ConsolePolicy).authorize('staff', tenant)
    const application = await ProgramApplications.find(tenant.municipalityId, params.application)
    // Approving issues coupons: the plugin's "issue" permission, when it declares one.
    const { plugin, program } = await ProgramCatalog.find(application)
    if (plugin.permissions?.some((permission) => permission.key === 'issue')) {
      await bouncer.with(PluginPermissionPolicy).authorize('use', tenant, plugin.id, 'issue')
    }
    const input = await request.validateUsing(approveApplicationValidator, {
      messagesProvider: staffFieldNames(ctx, 'staff_applications.fields'),
    })

    try {
      const { lots } = await ProgramApplications.approve(
        tenant.municipalityId,
        application.id,
        {
          minutes: input.units ? input.units * program.unit.minutes : null,
          copaymentTier: input.copayment_tier || null,
          childId: input.child_id ?? null,
        },
        staffActionFrom(ctx)
      )
      const minutes = lots.reduce((total, lot) => total + lot.minutes, 0)
      session.flash(
        'notice',
        i18n.t('staff_applications.approve.done', { hours: Math.round((minutes / 60) * 100) / 100 })
      )
    } catch (error) {
      if (error instanceof LedgerRefusal) {
        // Shown in the form, beside the choice it is about when staff made
        // that choice, else above the button; nothing changed.
        const field = REFUSAL_FIELD[error.code]
        const besideField =
          field === 'copayment_tier' || (field !== undefined && input[field] !== undefined)
        session.flash('inputErrorsBag', {
          [besideField ? field! : 'approve']: [error.translate(i18n)],
        })
        return response.redirect().back()
      }
      if (!(error instanceof ApplicationRefusal)) throw error
      session.flash('error', error.translate(i18n))
    }
    return this.#toApplication(ctx, application.id)
  }

  async reject(ctx: HttpContext) {
    const { bouncer, params, request, session, tenant, i18n } = ctx
    await bouncer.with(ConsolePolicy).authorize('staff', tenant)
    const application = await ProgramApplications.find(tenant.municipalityId, params.application)
    const { reason } = await request.validateUsing(rejectApplicationValidator, {
      messagesProvider: staffFieldNames(ctx, 'staff_applications.fields'),
    })
    try {
      await ProgramApplications.reject(
        tenant.municipalityId,
        application.id,
        reason,
        staffActionFrom(ctx)
      )
      session.flash('notice', i18n.t('staff_applications.reject.done'))
    } catch (error) {
      if (!(error instanceof ApplicationRefusal)) throw error
      session.flash('error', error.translate(i18n))
    }
    return this.#toApplication(ctx, application.id)
  }

  #toApplication(ctx: HttpContext, applicationId: number) {
    return ctx.response.redirect(`/m/${ctx.tenant.municipality.slug}/applications/${applicationId}`)
  }

  /** Every installed program; the filter offers those the municipality uses */
  async #programs(ctx: HttpContext) {
    const host = await app.container.make('plugins')
    const enabled = await db
      .from('municipality_plugins')
      .where('municipality_id', ctx.tenant.municipalityId)
      .select('plugin_id')
    const enabledIds = new Set(enabled.map((row) => row.plugin_id as string))
    const present = new ApplicationPresenter(ctx.i18n)
    return host.plugins.flatMap((plugin) =>
      (plugin.programs ?? []).map((program) => ({
        value: `${plugin.id}:${program.code}`,
        label: present.text(program.name),
        enabled: enabledIds.has(plugin.id),
      }))
    )
  }
}
