import type { HttpContext } from '@adonisjs/core/http'
import PluginPermissionPolicy from '#plugin_host/plugin_permission_policy'
import ConsolePolicy from '#tenancy/console_policy'
import LedgerRefusal, { type LedgerRefusalCode } from '#ledger/ledger_refusal'
import ProgramCatalog from '#ledger/program_catalog'
import { staffActionFrom } from '#audit/staff_action'
import { staffFieldNames } from '#http/staff_field_names'
import {
  approveApplicationValidator,
  rejectApplicationValidator,
} from '#applications/staff_applications_validator'
import ProgramApplications from '#applications/program_applications'
import ApplicationRefusal from '#applications/application_refusal'

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
 * The staff console's decisions on residents' applications: approval (the
 * program's default grant is issued) or rejection with a reason the
 * resident sees. Every decision is audited.
 */
export default class StaffApplicationDecisionsController {
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
}
