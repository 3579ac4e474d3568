import type { HttpContext } from '@adonisjs/core/http'
import { errors as lucidErrors } from '@adonisjs/lucid'
import { errors as vineErrors } from '@vinejs/vine'
import LedgerRefusal from '#ledger/ledger_refusal'
import ProgramCatalog, { type ResolvedProgram } from '#ledger/program_catalog'
import type Application from '#applications/application'
import PluginForm from '#plugin_host/plugin_form'
import ResidentCoupons from '#ledger/resident_coupons'
import { pluginRules } from '#plugin_host/plugin_rules'
import { localizedText } from '#shared/localized_text'
import { auditedNotFound, staffActionFrom } from '#audit/staff_action'
import { ResidentAnswerMessages } from '#plugin_host/plugin_answer_messages'
import ProgramApplications from '#applications/program_applications'
import ApplicationRefusal from '#applications/application_refusal'
import ApplicationPresenter from '#applications/application_presenter'

type ErrorMessage = { field: string; message: string; rule: string }

/**
 * The resident's side of applications: the programs their municipality
 * offers (with the plain-words rules and what they already have), the
 * program's own form, their applications with the decision and its
 * reason, and taking back one nobody has decided yet. Always the
 * signed-in resident's own record (ctx.resident), never an id from the
 * request; another's application is 404, and the attempt is audited.
 */
export default class ApplicationsController {
  async index(ctx: HttpContext) {
    const { inertia, tenant, resident, i18n } = ctx
    const enabled = await new ResidentCoupons(tenant.municipalityId, i18n.locale).programs()
    const choices = await ProgramApplications.choicesFor(
      tenant.municipalityId,
      resident.id,
      enabled.map((ref) => this.#ref(ref))
    )
    return inertia.render('resident/applications/apply', {
      programs: enabled.map((ref, index) => ({
        pluginId: ref.plugin.id,
        programCode: ref.program.code,
        name: localizedText(ref.program.name, i18n.locale),
        rules: this.#rules(ctx, ref.plugin.id),
        openApplicationId: choices[index].openApplicationId,
        heldHours:
          choices[index].heldMinutes > 0
            ? Math.round((choices[index].heldMinutes / 60) * 100) / 100
            : null,
        perChild: choices[index].perChild,
      })),
    })
  }

  async create(ctx: HttpContext) {
    const { inertia, tenant, resident, i18n } = ctx
    const ref = await this.#enabledProgram(ctx)
    const fields = ref.plugin.applicationForm?.fields ?? []
    const perChild = await ProgramApplications.needsChild(tenant.municipalityId, this.#ref(ref))
    const children = perChild
      ? await ProgramApplications.childrenOf(tenant.municipalityId, resident.id)
      : []
    const [open] = await ProgramApplications.openOf(
      tenant.municipalityId,
      resident.id,
      this.#ref(ref)
    )
    const present = new ApplicationPresenter(i18n)
    return inertia.render('resident/applications/create', {
      program: {
        pluginId: ref.plugin.id,
        programCode: ref.program.code,
        name: localizedText(ref.program.name, i18n.locale),
        rules: this.#rules(ctx, ref.plugin.id),
      },
      fields: PluginForm.forClient(fields, i18n.locale),
      perChild,
      children: children.map((child) => present.child(child)!),
      openApplicationId: open?.id ?? null,
    })
  }

  async store(ctx: HttpContext) {
    const { request, response, session, tenant, resident, i18n } = ctx
    const ref = await this.#enabledProgram(ctx)
    const fields = ref.plugin.applicationForm?.fields ?? []
    const perChild = await ProgramApplications.needsChild(tenant.municipalityId, this.#ref(ref))
    const messages = new ResidentAnswerMessages(i18n, fields)
    const answers = request.input('answers')

    // Every problem of the form at once, each beside its question.
    const errors: ErrorMessage[] = []
    let childId: number | null = null
    if (perChild) {
      const raw = request.input('child_id')
      childId = Number(raw)
      if (raw === undefined || raw === null || raw === '') {
        errors.push(this.#error('child_id', i18n.t('resident_applications.create.child_required')))
      } else if (!Number.isSafeInteger(childId) || childId <= 0) {
        errors.push(this.#error('child_id', i18n.t('resident_applications.create.child_invalid')))
      }
    }
    try {
      await PluginForm.answersFrom(fields, answers, messages)
    } catch (error) {
      if (!(error instanceof vineErrors.E_VALIDATION_ERROR)) throw error
      for (const message of error.messages as ErrorMessage[]) {
        errors.push({ ...message, field: message.field.split('.')[0] })
      }
    }
    if (errors.length > 0) throw new vineErrors.E_VALIDATION_ERROR(errors)

    try {
      const application = await ProgramApplications.submit(
        tenant.municipalityId,
        resident.id,
        { ...this.#ref(ref), childId, answers },
        { by: staffActionFrom(ctx), messagesProvider: messages }
      )
      session.flash('notice', i18n.t('resident_applications.create.done'))
      return response.redirect(this.#applicationPath(ctx, application.id))
    } catch (error) {
      if (error instanceof ApplicationRefusal && error.code === 'already_open') {
        session.flash('error', i18n.t('resident_applications.refusals.already_open'))
        return response.redirect(this.#applicationPath(ctx, Number(error.values.applicationId)))
      }
      if (error instanceof LedgerRefusal && error.code === 'child_not_found') {
        session.flash('inputErrorsBag', {
          child_id: [i18n.t('resident_applications.refusals.child_not_found')],
        })
        return response.redirect().back()
      }
      if (error instanceof LedgerRefusal && error.code === 'program_not_enabled') {
        throw new lucidErrors.E_ROW_NOT_FOUND()
      }
      throw error
    }
  }

  async list(ctx: HttpContext) {
    const { inertia, tenant, resident, i18n } = ctx
    const applications = await ProgramApplications.ofResident(tenant.municipalityId, resident.id)
    const names = await this.#programNames(applications, i18n.locale)
    const present = new ApplicationPresenter(i18n)
    return inertia.render('resident/applications/index', {
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
    return inertia.render('resident/applications/show', {
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
    return response.redirect(this.#applicationPath(ctx, application.id))
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

  /** The program in the URL, when installed and enabled here; else 404 */
  async #enabledProgram(ctx: HttpContext): Promise<ResolvedProgram> {
    const ref = { pluginId: String(ctx.params.plugin), programCode: String(ctx.params.program) }
    try {
      const found = await ProgramCatalog.find(ref)
      await ProgramCatalog.assertEnabled(ctx.tenant.municipalityId, ref)
      return found
    } catch (error) {
      if (error instanceof LedgerRefusal) throw new lucidErrors.E_ROW_NOT_FOUND()
      throw error
    }
  }

  /** The plugin's plain-words rules (<plugin>.rules.items.*), in its order */
  #rules(ctx: HttpContext, pluginId: string): string[] {
    return (pluginRules(pluginId)?.items ?? []).map((key) => ctx.i18n.t(key))
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

  #ref(ref: ResolvedProgram) {
    return { pluginId: ref.plugin.id, programCode: ref.program.code }
  }

  #key(application: Application) {
    return `${application.pluginId}:${application.programCode}`
  }

  #error(field: string, message: string): ErrorMessage {
    return { field, message, rule: 'required' }
  }

  #applicationPath(ctx: HttpContext, applicationId: number) {
    return `/m/${ctx.tenant.municipality.slug}/my/applications/${applicationId}`
  }
}
