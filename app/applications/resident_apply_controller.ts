import type { HttpContext } from '@adonisjs/core/http'
import { errors as lucidErrors } from '@adonisjs/lucid'
import LedgerRefusal from '#ledger/ledger_refusal'
import ProgramCatalog, { type ResolvedProgram } from '#ledger/program_catalog'
import PluginForm from '#plugin_host/plugin_form'
import ResidentCoupons, { type ProgramCoupons } from '#ledger/resident_coupons'
import { todayInJapan } from '#ledger/coupon_issuance'
import { pluginRules } from '#plugin_host/plugin_rules'
import { localizedText } from '#shared/localized_text'
import { staffActionFrom } from '#audit/staff_action'
import { ResidentAnswerMessages } from '#plugin_host/plugin_answer_messages'
import ProgramApplications from '#applications/program_applications'
import ApplicationRefusal from '#applications/application_refusal'
import ApplicationPresenter from '#applications/application_presenter'
import { residentApplicationPath } from '#applications/resident_application_path'
import { applicationFormFrom } from '#applications/resident_apply_validator'

/**
 * The resident applying to a program: the programs their municipality
 * offers (with the plain-words rules and what they already have) and the
 * program's own form. Always the signed-in resident's own record
 * (ctx.resident), never an id from the request.
 */
export default class ResidentApplyController {
  async index(ctx: HttpContext) {
    const { inertia, tenant, resident, i18n } = ctx
    const coupons = new ResidentCoupons(tenant.municipalityId, i18n.locale)
    const enabled = await coupons.programs()
    const choices = await ProgramApplications.choicesFor(
      tenant.municipalityId,
      resident.id,
      enabled.map((ref) => this.#ref(ref))
    )
    const held = await coupons.of(resident.id)
    return inertia.render('applications/resident/apply', {
      programs: enabled.map((ref, index) => ({
        pluginId: ref.plugin.id,
        programCode: ref.program.code,
        name: localizedText(ref.program.name, i18n.locale),
        rules: this.#rules(ctx, ref.plugin.id),
        openApplicationId: choices[index].openApplicationId,
        hours: this.#hours(
          held.find((program) => program.key === `${ref.plugin.id}/${ref.program.code}`)
        ),
        perChild: choices[index].perChild,
      })),
    })
  }

  /**
   * The hours the resident holds, as home counts them: usable now (the
   * pools of home, each shared hour once), and lots whose window opens
   * later, with the day it opens. Null when they hold none to come.
   */
  #hours(program: ProgramCoupons | undefined) {
    if (!program) return null
    const today = todayInJapan()
    const later = program.lots
      .filter((lot) => lot.status === 'active' && lot.validFrom > today && lot.availableMinutes > 0)
      .sort((a, b) => a.validFrom.localeCompare(b.validFrom))
      .map((lot) => ({ from: lot.validFrom, minutes: lot.availableMinutes }))
    const now = program.pools.reduce((total, pool) => total + pool.minutes, 0)
    return now > 0 || later.length > 0 ? { nowMinutes: now, later } : null
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
    return inertia.render('applications/resident/create', {
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
    const { response, session, tenant, resident, i18n } = ctx
    const ref = await this.#enabledProgram(ctx)
    const fields = ref.plugin.applicationForm?.fields ?? []
    const perChild = await ProgramApplications.needsChild(tenant.municipalityId, this.#ref(ref))
    const messages = new ResidentAnswerMessages(i18n, fields)
    const { childId, answers } = await applicationFormFrom(ctx, { fields, perChild, messages })

    try {
      const application = await ProgramApplications.submit(
        tenant.municipalityId,
        resident.id,
        { ...this.#ref(ref), childId, answers },
        { by: staffActionFrom(ctx), messagesProvider: messages }
      )
      session.flash('notice', i18n.t('resident_applications.create.done'))
      return response.redirect(residentApplicationPath(ctx, application.id))
    } catch (error) {
      if (error instanceof ApplicationRefusal && error.code === 'already_open') {
        session.flash('error', i18n.t('resident_applications.refusals.already_open'))
        return response.redirect(residentApplicationPath(ctx, Number(error.values.applicationId)))
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

  #ref(ref: ResolvedProgram) {
    return { pluginId: ref.plugin.id, programCode: ref.program.code }
  }
}
