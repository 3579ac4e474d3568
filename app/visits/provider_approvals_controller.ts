import type { HttpContext } from '@adonisjs/core/http'
import LedgerRefusal from '#ledger/ledger_refusal'
import ProviderApprovals, { type ApprovalOutcome } from '#visits/provider_approvals'
import { auditedNotFound, recordStaffEvent, staffActionFrom } from '#audit/staff_action'
import { staffFieldNames } from '#http/staff_field_names'
import {
  approvalQueueValidator,
  correctVisitValidator,
  rejectVisitValidator,
} from '#visits/provider_approvals_validator'

const PURPOSE = 'visit_approval'

/**
 * The provider's approval queue (使用承認): visits residents confirmed,
 * approved (the hours are spent), rejected with a reason the resident
 * reads, or corrected to the actual hours before approval. The resident's
 * visit page shows the result at once and CouponRedemption mails them.
 * Every reading of residents' names and every decision is audited.
 */
export default class ApprovalsController {
  async index(ctx: HttpContext) {
    const { request, inertia, provider, i18n } = ctx
    const input = await request.validateUsing(approvalQueueValidator, {
      messagesProvider: staffFieldNames(ctx, 'provider_approvals.fields'),
    })
    if (input.facility !== undefined && !provider.facilities.some((f) => f.id === input.facility)) {
      return auditedNotFound(ctx, 'facility.not_found', { facility_id: input.facility })
    }
    const approvals = this.#approvals(ctx)
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
    return inertia.render('provider/approvals/index', {
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
    const visit = await this.#approvals(ctx).find(redemptionId)
    if (!visit) return this.#notFound(ctx, redemptionId)
    // A corrected visit lives on under its replacement.
    if (visit.replacedBy !== null) {
      return response.redirect().toPath(this.#visitPath(ctx, visit.replacedBy))
    }
    await recordStaffEvent(ctx, {
      action: 'provider_approval.viewed',
      purpose: PURPOSE,
      subjectResidentId: visit.residentId,
      details: { redemption_id: visit.id, provider_id: ctx.provider.id },
    })
    return inertia.render('provider/approvals/show', {
      visit,
      queue: `/m/${tenant.municipality.slug}/provider/approvals`,
    })
  }

  async approve(ctx: HttpContext) {
    const redemptionId = await this.#ownVisit(ctx)
    const outcome = await this.#approvals(ctx).approve(redemptionId, staffActionFrom(ctx))
    return this.#after(ctx, redemptionId, outcome, 'provider_approvals.flash.approved')
  }

  async reject(ctx: HttpContext) {
    const redemptionId = await this.#ownVisit(ctx)
    const { reason } = await ctx.request.validateUsing(rejectVisitValidator, {
      messagesProvider: staffFieldNames(ctx, 'provider_approvals.fields'),
    })
    const outcome = await this.#approvals(ctx).reject(redemptionId, reason, staffActionFrom(ctx))
    return this.#after(ctx, redemptionId, outcome, 'provider_approvals.flash.rejected')
  }

  async correct(ctx: HttpContext) {
    const { request, response, session, i18n } = ctx
    const redemptionId = await this.#ownVisit(ctx)
    const { minutes } = await request.validateUsing(correctVisitValidator, {
      messagesProvider: staffFieldNames(ctx, 'provider_approvals.fields'),
    })
    let outcome: ApprovalOutcome
    try {
      outcome = await this.#approvals(ctx).correct(redemptionId, minutes, staffActionFrom(ctx))
    } catch (error) {
      if (!(error instanceof LedgerRefusal)) throw error
      // A rule refused the corrected hours; the visit stays as it was.
      session.flashAll()
      session.flash('inputErrorsBag', { minutes: [error.translate(i18n)] })
      return response.redirect().toPath(this.#visitPath(ctx, redemptionId))
    }
    if (!outcome.done && outcome.reason === 'unchanged') {
      session.flashAll()
      session.flash('inputErrorsBag', { minutes: [i18n.t('provider_approvals.errors.unchanged')] })
      return response.redirect().toPath(this.#visitPath(ctx, redemptionId))
    }
    if (outcome.done) {
      session.flash('notice', i18n.t('provider_approvals.flash.corrected'))
      return response.redirect().toPath(this.#visitPath(ctx, outcome.redemptionId))
    }
    return this.#after(ctx, redemptionId, outcome, 'provider_approvals.flash.corrected')
  }

  /** Back to the queue when done; the visit again, with the reason, when not */
  async #after(ctx: HttpContext, redemptionId: number, outcome: ApprovalOutcome, done: string) {
    const { response, session, i18n, tenant } = ctx
    if (outcome.done) {
      session.flash('notice', i18n.t(done))
      return response.redirect().toPath(`/m/${tenant.municipality.slug}/provider/approvals`)
    }
    if (outcome.reason === 'not_found') return this.#notFound(ctx, redemptionId)
    session.flash('error', i18n.t('provider_approvals.errors.already_decided'))
    return response.redirect().toPath(this.#visitPath(ctx, redemptionId))
  }

  /** The visit id from the URL, when it is one of this provider's (else 404, audited) */
  async #ownVisit(ctx: HttpContext) {
    const redemptionId = Number(ctx.params.providerVisit)
    if (!(await this.#approvals(ctx).owns(redemptionId))) {
      return this.#notFound(ctx, redemptionId)
    }
    return redemptionId
  }

  #notFound(ctx: HttpContext, redemptionId: number) {
    return auditedNotFound(ctx, 'redemption.not_found', {
      redemption_id: redemptionId,
      provider_id: ctx.provider.id,
    })
  }

  #approvals(ctx: HttpContext) {
    return new ProviderApprovals(ctx.tenant.municipalityId, ctx.provider.id, ctx.i18n.locale)
  }

  #visitPath(ctx: HttpContext, redemptionId: number) {
    return `/m/${ctx.tenant.municipality.slug}/provider/approvals/${redemptionId}`
  }
}
