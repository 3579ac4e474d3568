import Refusal from '#shared/refusal'

export type VisitSurveyRefusalCode = 'not_approved' | 'no_survey' | 'already_answered'

/**
 * Why a visit's survey could not be answered (translated as
 * resident_visits.survey.refusals.<code>). Nothing was stored.
 */
export default class VisitSurveyRefusal extends Refusal<VisitSurveyRefusalCode> {
  protected readonly namespace = 'resident_visits.survey.refusals'

  constructor(code: VisitSurveyRefusalCode) {
    super(code, {}, `Visit survey refused: ${code}`)
  }
}
