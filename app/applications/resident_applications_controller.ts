import type { HttpContext } from '@adonisjs/core/http'
import LedgerRefusal from '#ledger/ledger_refusal'
import ProgramCatalog from '#ledger/program_catalog'
import type Application from '#applications/application'
import { localizedText } from '#shared/localized_text'
import { auditedNotFound, staffActionFrom } from '#audit/staff_action'
import ProgramApplications from '#applications/program_applications'
import ApplicationRefusal from '#applications/application_refusal'
import ApplicationPresenter from '#applications/application_presenter'
import { residentApplicationPath } from '#applications/resident_application_path'

/**
 * The resident's applications: the list with the decision and its reason,
 * one application with the answers given, and taking back one nobody has
 * decided yet. Always the signed-in resident's own record (ctx.resident),
 * never an id from the request; another's application is 404, and the
 * attempt is audited. Applying is ResidentApplyController.
 */
export default class ResidentApplicationsController {
  async list(ctx: HttpContext) {
    const { inertia, tenant, resident, i18n } = ctx
    const applications = await ProgramApplications.ofResident(tenant.municipalityId, resident.id)
    const names = await this.#programNames(applications, i18n.locale)
    const present = new ApplicationPresenter(i18n)
    return inertia.render('applications/resident/index', {
      applications: applications.map((application) =>
        this.#summary(present, application, names.get(this.#key(application)))
      ),
    })
  }

  async show(ctx: HttpContext) {
    const { inertia, tenant, i18n } = ctx
    const application = await this.#own(ctx)
    const present = new ApplicationPresenter(i18n)
    let program: string | undefined
    let answers: { key: string; label: string; value: string | null }[] = []
    try {
      const { plugin, program: manifest } = await ProgramCatalog.find(application)
      program = localizedText(manifest.name, i18n.locale)
      answers = present.answers(plugin.applicationForm?.fields ?? [], application.answers ?? {})
    } catch (error) {
      // A plugin removed since: the application still shows, without its questions.
      if (!(error instanceof LedgerRefusal)) throw error
    }
    return inertia.render('applications/resident/show', {
      application: {
        ...this.#summary(present, application, program),
        pluginId: application.pluginId,
        programCode: application.programCode,
      },
      answers,
      slug: tenant.municipality.slug,
    })
  }

  async withdraw(ctx: HttpContext) {
    const { response, session, tenant, resident, i18n } = ctx
    const application = await this.#own(ctx)
    try {
      await ProgramApplications.withdraw(
        tenant.municipalityId,
        resident.id,
        application.id,
        staffActionFrom(ctx)
      )
      session.flash('notice', i18n.t('resident_applications.withdraw.done'))
    } catch (error) {
      if (!(error instanceof ApplicationRefusal)) throw error
      // Decided or withdrawn meanwhile (a staff decision may have won the race).
      const key =
        error.code === 'already_decided' ? `already_decided.${error.values.status}` : error.code
      session.flash('error', i18n.t(`resident_applications.refusals.${key}`))
    }
    return response.redirect(residentApplicationPath(ctx, application.id))
  }

  /** The resident's own application, or a 404 that goes on the record */
  async #own(ctx: HttpContext): Promise<Application> {
    const id = Number(ctx.params.ownApplication)
    const application = await ProgramApplications.findOwn(
      ctx.tenant.municipalityId,
      ctx.resident.id,
      id
    )
    if (!application) {
      return auditedNotFound(ctx, 'application.not_found', { application_id: id })
    }
    return application
  }

  /** One application as the resident's list and its own page show it */
  #summary(present: ApplicationPresenter, application: Application, program?: string) {
    return {
      id: application.id,
      program: program ?? this.#key(application),
      child: present.child(application.child)?.label ?? null,
      status: application.status,
      submittedAt: present.moment(application.createdAt),
      decidedAt: present.moment(application.decidedAt),
      reason: application.status === 'rejected' ? application.decisionReason : null,
    }
  }

  async #programNames(applications: Application[], locale: string) {
    const names = new Map<string, string>()
    for (const application of applications) {
      const key = this.#key(application)
      if (names.has(key)) continue
      try {
        const { program } = await ProgramCatalog.find(application)
        names.set(key, localizedText(program.name, locale))
      } catch (error) {
        if (!(error instanceof LedgerRefusal)) throw error
      }
    }
    return names
  }

  #key(application: Application) {
    return `${application.pluginId}:${application.programCode}`
  }
}
