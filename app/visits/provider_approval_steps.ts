import type { HttpContext } from '@adonisjs/core/http'
import ProviderApprovals, { type ApprovalOutcome } from '#visits/provider_approvals'
import { auditedNotFound } from '#audit/staff_action'

/**
 * What the approval queue's screens (ProviderApprovalsController,
 * ProviderCorrectionsController) share: the queue of ctx.provider, the visit from
 * the URL when it is the provider's, its address, and the answer after a
 * decision.
 */

/** The approval queue of ctx.provider here */
export function approvalsFor(ctx: HttpContext) {
  return new ProviderApprovals(ctx.tenant.municipalityId, ctx.provider.id, ctx.i18n.locale)
}

/** The visit id from the URL, when it is one of this provider's (else 404, audited) */
export async function ownVisit(ctx: HttpContext) {
  const redemptionId = Number(ctx.params.providerVisit)
  if (!(await approvalsFor(ctx).owns(redemptionId))) {
    return visitNotFound(ctx, redemptionId)
  }
  return redemptionId
}

export function visitNotFound(ctx: HttpContext, redemptionId: number) {
  return auditedNotFound(ctx, 'redemption.not_found', {
    redemption_id: redemptionId,
    provider_id: ctx.provider.id,
  })
}

export function approvalVisitPath(ctx: HttpContext, redemptionId: number) {
  return `/m/${ctx.tenant.municipality.slug}/provider/approvals/${redemptionId}`
}

/** Back to the queue when done; the visit again, with the reason, when not */
export async function afterDecision(
  ctx: HttpContext,
  redemptionId: number,
  outcome: ApprovalOutcome,
  done: string
) {
  const { response, session, i18n, tenant } = ctx
  if (outcome.done) {
    session.flash('notice', i18n.t(done))
    return response.redirect().toPath(`/m/${tenant.municipality.slug}/provider/approvals`)
  }
  if (outcome.reason === 'not_found') return visitNotFound(ctx, redemptionId)
  session.flash(
    'error',
    i18n.t(
      outcome.reason === 'awaiting_resident'
        ? 'provider_approvals.errors.awaiting_resident'
        : 'provider_approvals.errors.already_decided'
    )
  )
  return response.redirect().toPath(approvalVisitPath(ctx, redemptionId))
}
