import app from '@adonisjs/core/services/app'
import db from '@adonisjs/lucid/services/db'
import type { MessagesProviderContact } from '@vinejs/vine/types'
import AuditTrail from '#audit/audit_trail'
import type { StaffAction } from '#audit/staff_action'
import type { FormField } from '#plugin_host/define_plugin'
import PluginForm from '#plugin_host/plugin_form'
import { staffEvent } from '#audit/staff_action'
import VisitSurveyRefusal from '#visits/visit_survey_refusal'

export type SurveyResponse = {
  status: 'answered' | 'declined'
  answers: Record<string, unknown> | null
  createdAt: string
}

type OwnVisit = { municipalityId: number; residentId: number; redemptionId: number }

/**
 * The short survey after an approved visit: the questions its program's
 * plugin declares, answered or declined once per visit (a unique
 * redemption_id keeps a second submission out even when two arrive at
 * once). Optional: declining is remembered like an answer, so the resident
 * is not asked again.
 */
export default class VisitSurveys {
  /** The plugin's questions for the visit's program (empty when it declares none) */
  static async questionsFor(visit: { plugin_id: string }): Promise<FormField[]> {
    const plugins = await app.container.make('plugins')
    return plugins.get(visit.plugin_id)?.survey?.questions ?? []
  }

  /** What the resident answered (or declined) for a visit, if anything */
  static async responseFor(municipalityId: number, redemptionId: number) {
    const row = await db
      .from('survey_responses')
      .where({ municipality_id: municipalityId, redemption_id: redemptionId })
      .first()
    if (!row) return null
    return {
      status: row.status,
      answers: row.answers ? JSON.parse(row.answers) : null,
      createdAt: new Date(row.created_at).toISOString(),
    } as SurveyResponse
  }

  /**
   * The resident's own visit, checked for a survey: approved, with
   * questions, not answered yet. Null when the visit is not theirs.
   */
  static async open(own: OwnVisit) {
    const visit = await db
      .from('ledger_redemptions')
      .where({
        id: own.redemptionId,
        municipality_id: own.municipalityId,
        resident_id: own.residentId,
      })
      .first()
    if (!visit) return null
    const questions = await this.questionsFor(visit)
    if (questions.length === 0) throw new VisitSurveyRefusal('no_survey')
    if (visit.status !== 'posted') throw new VisitSurveyRefusal('not_approved')
    if (await this.responseFor(own.municipalityId, own.redemptionId)) {
      throw new VisitSurveyRefusal('already_answered')
    }
    return { visit, questions }
  }

  /**
   * Stores the answers (checked against the declared questions; VineJS's
   * validation error when they do not fit). Null when the visit is not
   * the resident's.
   */
  static async answer(
    own: OwnVisit,
    sent: unknown,
    by: StaffAction,
    messagesProvider?: MessagesProviderContact
  ) {
    const opened = await this.open(own)
    if (!opened) return null
    const answers = await PluginForm.answersFrom(opened.questions, sent, messagesProvider)
    await this.#store(own, opened.visit, 'answered', answers, by)
    return { status: 'answered' as const, answers }
  }

  /** Remembers that the resident chose not to answer. Null when not their visit. */
  static async decline(own: OwnVisit, by: StaffAction) {
    const opened = await this.open(own)
    if (!opened) return null
    await this.#store(own, opened.visit, 'declined', null, by)
    return { status: 'declined' as const, answers: null }
  }

  static async #store(
    own: OwnVisit,
    visit: { plugin_id: string; program_code: string },
    status: 'answered' | 'declined',
    answers: Record<string, unknown> | null,
    by: StaffAction
  ) {
    try {
      await db.transaction(async (trx) => {
        await trx.table('survey_responses').insert({
          municipality_id: own.municipalityId,
          resident_id: own.residentId,
          redemption_id: own.redemptionId,
          plugin_id: visit.plugin_id,
          program_code: visit.program_code,
          status,
          answers: answers ? JSON.stringify(answers) : null,
          created_at: new Date(),
        })
        await AuditTrail.record(
          staffEvent(own.municipalityId, by, {
            action: `survey.${status}`,
            subjectResidentId: own.residentId,
            // Which questions were answered, never the answers themselves
            details: {
              redemption_id: own.redemptionId,
              plugin_id: visit.plugin_id,
              program_code: visit.program_code,
              answered_keys: answers ? Object.keys(answers) : [],
            },
          }),
          trx
        )
      })
    } catch (error) {
      // Two submissions at once: the unique redemption_id lets one in.
      if (isUniqueViolation(error)) throw new VisitSurveyRefusal('already_answered')
      throw error
    }
  }
}

/** A unique index refused the row (SQLite and PostgreSQL say it differently) */
function isUniqueViolation(error: unknown) {
  const { code, message } = (error ?? {}) as { code?: string; message?: string }
  return (
    code === '23505' ||
    code === 'SQLITE_CONSTRAINT_UNIQUE' ||
    (code === 'SQLITE_CONSTRAINT' && /UNIQUE/i.test(message ?? ''))
  )
}
