import type { HttpContext } from '@adonisjs/core/http'
import VisitCopayment from '#ledger/visit_copayment'
import ResidentVisits from '#visits/resident_visits'
import VisitSurveys from '#visits/visit_surveys'
import ApplicationPresenter from '#applications/application_presenter'
import { auditedNotFound, staffActionFrom } from '#audit/staff_action'
import VisitCorrections from '#visits/visit_corrections'

/**
 * A resident's visits, once confirmed (ResidentScanController): followed until the
 * provider approves, then the survey. Everything acts on the signed-in
 * account's own resident record (ctx.resident).
 */
export default class ResidentVisitsController {
  /** GET /my/visits/:visit: one of the resident's own visits, waiting or decided */
  async visit(ctx: HttpContext) {
    const { params, inertia, tenant, resident, i18n } = ctx
    const redemptionId = Number(params.visit)
    const visit = await ResidentVisits.own(tenant.municipalityId, resident.id, redemptionId)
    if (!visit) {
      return auditedNotFound(ctx, 'redemption.not_found', { redemption_id: redemptionId })
    }
    // The provider corrected the hours: the visit goes on under its new
    // id (the waiting page's polling follows this redirect).
    if (visit.replacedBy !== null) {
      // What the last step said is for the page the visit lives on now
      ctx.session.reflash()
      return ctx.response
        .redirect()
        .toPath(`/m/${tenant.municipality.slug}/my/visits/${visit.replacedBy}`)
    }
    const correction = await VisitCorrections.find(tenant.municipalityId, visit.id)
    const questions = await VisitSurveys.questionsFor({ plugin_id: visit.facts.pluginId })
    const response = await VisitSurveys.responseFor(tenant.municipalityId, redemptionId)
    const presenter = new ApplicationPresenter(i18n)
    return inertia.render('visits/resident/show', {
      visit: {
        id: visit.id,
        // Corrected to more hours than they agreed to: theirs to confirm
        state:
          visit.state === 'waiting' && correction?.awaitingResident ? 'awaiting_you' : visit.state,
        reason: visit.reason,
        ...(await ResidentVisits.describe(visit.facts, i18n.locale)),
      },
      correction,
      copayment: ['waiting', 'approved'].includes(visit.state)
        ? await VisitCopayment.of(tenant.municipalityId, resident.id, visit.facts, visit.id)
        : null,
      minutesLeft:
        visit.state === 'approved'
          ? await ResidentVisits.minutesLeft(tenant.municipalityId, resident.id, visit.facts)
          : null,
      survey: {
        offered: questions.length > 0 && visit.state === 'approved',
        status: response?.status ?? null,
        answers:
          response?.status === 'answered'
            ? presenter
                .answers(questions, response.answers ?? {})
                .filter((answer) => answer.value !== null)
            : [],
      },
    })
  }

  /**
   * POST /my/visits/:visit/correction: the resident confirms the hours the
   * provider corrected upwards; the provider may then approve. A visit
   * corrected again or decided meanwhile is shown as it is now.
   */
  async confirmCorrection(ctx: HttpContext) {
    const { params, response, session, tenant, resident, i18n } = ctx
    const redemptionId = Number(params.visit)
    const visit = await ResidentVisits.own(tenant.municipalityId, resident.id, redemptionId)
    if (!visit) {
      return auditedNotFound(ctx, 'redemption.not_found', { redemption_id: redemptionId })
    }
    const outcome = await VisitCorrections.confirm(
      tenant.municipalityId,
      resident.id,
      redemptionId,
      staffActionFrom(ctx)
    )
    session.flash(
      outcome === 'changed' ? 'error' : 'notice',
      i18n.t(`resident_visits.flash.correction_${outcome}`)
    )
    return response.redirect().toPath(`/m/${tenant.municipality.slug}/my/visits/${redemptionId}`)
  }
}
