import type { HttpContext } from '@adonisjs/core/http'
import { errors as lucidErrors } from '@adonisjs/lucid'
import PluginForm from '#plugin_host/plugin_form'
import ResidentVisits from '#visits/resident_visits'
import VisitSurveys from '#visits/visit_surveys'
import VisitSurveyRefusal from '#visits/visit_survey_refusal'
import { auditedNotFound, staffActionFrom } from '#audit/staff_action'
import { ResidentAnswerMessages } from '#plugin_host/plugin_answer_messages'
import { surveyChoiceValidator } from '#visits/resident_visit_validator'

/**
 * The short survey after an approved visit (questions from the visit's
 * program plugin): answered or declined once; optional.
 */
export default class ResidentSurveysController {
  async show(ctx: HttpContext) {
    const { inertia, i18n } = ctx
    const own = await this.#own(ctx)
    if (!own) return
    const visit = await ResidentVisits.own(own.municipalityId, own.residentId, own.redemptionId)
    return inertia.render('visits/resident/survey', {
      visit: {
        id: own.redemptionId,
        ...(await ResidentVisits.describe(visit!.facts, i18n.locale)),
      },
      questions: PluginForm.forClient(own.questions, i18n.locale),
    })
  }

  async store(ctx: HttpContext) {
    const { request, response, session, i18n, tenant } = ctx
    const own = await this.#own(ctx)
    if (!own) return
    const { decline } = await request.validateUsing(surveyChoiceValidator)
    const visitPath = `/m/${tenant.municipality.slug}/my/visits/${own.redemptionId}`
    try {
      if (decline) {
        await VisitSurveys.decline(own, staffActionFrom(ctx))
        session.flash('notice', i18n.t('resident_visits.flash.survey_declined'))
      } else {
        await VisitSurveys.answer(
          own,
          request.input('answers', {}),
          staffActionFrom(ctx),
          new ResidentAnswerMessages(i18n, own.questions, 'resident_visits.survey')
        )
        session.flash('notice', i18n.t('resident_visits.flash.survey_answered'))
      }
    } catch (error) {
      if (!(error instanceof VisitSurveyRefusal)) throw error
      session.flash('error', error.translate(i18n))
    }
    return response.redirect().toPath(visitPath)
  }

  /**
   * The resident's own visit, ready for its survey; otherwise the answer
   * to give: 404 (not theirs: audited; no survey in its program) or null
   * after sending the resident back to the visit with the reason (not
   * approved yet, already answered).
   */
  async #own(ctx: HttpContext) {
    const { tenant, resident, params, session, response, i18n } = ctx
    const redemptionId = Number(params.visit)
    const own = { municipalityId: tenant.municipalityId, residentId: resident.id, redemptionId }
    try {
      const opened = await VisitSurveys.open(own)
      if (!opened) {
        return auditedNotFound(ctx, 'redemption.not_found', { redemption_id: redemptionId })
      }
      return { ...own, questions: opened.questions }
    } catch (error) {
      if (!(error instanceof VisitSurveyRefusal)) throw error
      if (error.code === 'no_survey') throw new lucidErrors.E_ROW_NOT_FOUND()
      session.flash('error', error.translate(i18n))
      response.redirect().toPath(`/m/${tenant.municipality.slug}/my/visits/${redemptionId}`)
      return null
    }
  }
}
