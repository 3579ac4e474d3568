import type { HttpContext } from '@adonisjs/core/http'
import LedgerRefusal from '#ledger/ledger_refusal'
import type { ApprovalOutcome } from '#visits/provider_approvals'
import { staffActionFrom } from '#audit/staff_action'
import { staffFieldNames } from '#http/staff_field_names'
import { correctVisitValidator } from '#visits/provider_approvals_validator'
import {
  afterDecision,
  approvalVisitPath,
  approvalsFor,
  ownVisit,
} from '#visits/provider_approval_steps'

/**
 * A visit of the provider's approval queue corrected to the actual hours
 * before approval: the visit goes on under a new id, which the resident's
 * visit page follows; the resident is mailed the hours before and after,
 * and confirms more hours before the visit can be approved. Audited like
 * every decision of the queue.
 */
export default class ProviderCorrectionsController {
  async correct(ctx: HttpContext) {
    const { request, response, session, i18n } = ctx
    const redemptionId = await ownVisit(ctx)
    const { minutes } = await request.validateUsing(correctVisitValidator, {
      messagesProvider: staffFieldNames(ctx, 'provider_approvals.fields'),
    })
    let outcome: ApprovalOutcome
    try {
      outcome = await approvalsFor(ctx).correct(redemptionId, minutes, staffActionFrom(ctx))
    } catch (error) {
      if (!(error instanceof LedgerRefusal)) throw error
      // A rule refused the corrected hours; the visit stays as it was.
      session.flashAll()
      session.flash('inputErrorsBag', { minutes: [error.translate(i18n)] })
      return response.redirect().toPath(approvalVisitPath(ctx, redemptionId))
    }
    if (!outcome.done && outcome.reason === 'unchanged') {
      session.flashAll()
      session.flash('inputErrorsBag', { minutes: [i18n.t('provider_approvals.errors.unchanged')] })
      return response.redirect().toPath(approvalVisitPath(ctx, redemptionId))
    }
    if (outcome.done) {
      session.flash(
        'notice',
        i18n.t(
          outcome.awaitingResident
            ? 'provider_approvals.flash.corrected_awaiting_resident'
            : 'provider_approvals.flash.corrected'
        )
      )
      return response.redirect().toPath(approvalVisitPath(ctx, outcome.redemptionId))
    }
    return afterDecision(ctx, redemptionId, outcome, 'provider_approvals.flash.corrected')
  }
}
