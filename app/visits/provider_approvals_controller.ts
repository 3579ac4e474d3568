import type { HttpContext } from '@adonisjs/core/http'
import ProviderApprovals from '#visits/provider_approvals'
import { recordStaffEvent, staffActionFrom } from '#audit/staff_action'
import { staffFieldNames } from '#http/staff_field_names'
import { ownFacility } from '#tenancy/provider_facilities'
import { approvalQueueValidator, rejectVisitValidator } from '#visits/provider_approvals_validator'
import {
  afterDecision,
  approvalVisitPath,
  approvalsFor,
  ownVisit,
  visitNotFound,
} from '#visits/provider_approval_steps'

const PURPOSE = 'visit_approval'

/**
 * The provider's approval queue (使用承認): visits residents confirmed,
 * approved (the hours are spent), rejected with a reason the resident
 * reads, or corrected to the actual hours before approval
 * (ProviderCorrectionsController). The resident's visit page shows the result at
 * once and CouponRedemption mails them. Every reading of residents' names
 * and every decision is audited.
 */
export default class ProviderApprovalsController {
  async index(ctx: HttpContext) {
    const { request, inertia, provider, i18n } = ctx
    const input = await request.validateUsing(approvalQueueValidator, {
      messagesProvider: staffFieldNames(ctx, 'provider_approvals.fields'),
    })
    if (input.facility !== undefined) await ownFacility(ctx, input.facility)
    const approvals = approvalsFor(ctx)
    const waiting = await approvals.waiting(input.facility)
    const decided = await approvals.decidedToday(input.facility)
    await recordStaffEvent(ctx, {
      action: 'provider_approval.listed',
      purpose: PURPOSE,
      details: {
        provider_id: provider.id,
        facility_id: input.facility ?? null,
        redemption_ids: [...waiting, ...decided].map((row) => row.id),
        resident_ids: ProviderApprovals.residentIds([...waiting, ...decided]),
      },
    })
    return inertia.render('visits/provider/approvals/index', {
      provider: provider.nameIn(i18n.locale),
      facilities: provider.facilities.map((facility) => ({
        id: facility.id,
        name: facility.nameIn(i18n.locale),
      })),
      facility: input.facility ? String(input.facility) : '',
      waiting,
      decided,
    })
  }

  async show(ctx: HttpContext) {
    const { inertia, response, tenant } = ctx
    const redemptionId = Number(ctx.params.providerVisit)
    const visit = await approvalsFor(ctx).find(redemptionId)
    if (!visit) return visitNotFound(ctx, redemptionId)
    // A corrected visit lives on under its replacement.
    if (visit.replacedBy !== null) {
      return response.redirect().toPath(approvalVisitPath(ctx, visit.replacedBy))
    }
    await recordStaffEvent(ctx, {
      action: 'provider_approval.viewed',
      purpose: PURPOSE,
      subjectResidentId: visit.residentId,
      details: { redemption_id: visit.id, provider_id: ctx.provider.id },
    })
    return inertia.render('visits/provider/approvals/show', {
      visit,
      queue: `/m/${tenant.municipality.slug}/provider/approvals`,
    })
  }

  async approve(ctx: HttpContext) {
    const redemptionId = await ownVisit(ctx)
    const outcome = await approvalsFor(ctx).approve(redemptionId, staffActionFrom(ctx))
    return afterDecision(ctx, redemptionId, outcome, 'provider_approvals.flash.approved')
  }

  async reject(ctx: HttpContext) {
    const redemptionId = await ownVisit(ctx)
    const { reason } = await ctx.request.validateUsing(rejectVisitValidator, {
      messagesProvider: staffFieldNames(ctx, 'provider_approvals.fields'),
    })
    const outcome = await approvalsFor(ctx).reject(redemptionId, reason, staffActionFrom(ctx))
    return afterDecision(ctx, redemptionId, outcome, 'provider_approvals.flash.rejected')
  }
}
