import type { HttpContext } from '@adonisjs/core/http'
import { errors as vineErrors } from '@vinejs/vine'
import type { FormField } from '#plugin_host/define_plugin'
import PluginForm from '#plugin_host/plugin_form'
import type { ResidentAnswerMessages } from '#plugin_host/plugin_answer_messages'

type ErrorMessage = { field: string; message: string; rule: string }

/**
 * The application form as the resident sent it: the child, when the
 * program is per child, and the answers to the plugin's questions. Every
 * problem of the form at once, each beside its question, thrown as the
 * validation error request.validateUsing throws.
 */
export async function applicationFormFrom(
  ctx: HttpContext,
  form: { fields: FormField[]; perChild: boolean; messages: ResidentAnswerMessages }
) {
  const { request, i18n } = ctx
  const answers = request.input('answers')
  const errors: ErrorMessage[] = []
  let childId: number | null = null
  if (form.perChild) {
    const raw = request.input('child_id')
    childId = Number(raw)
    if (raw === undefined || raw === null || raw === '') {
      errors.push(childError(i18n.t('resident_applications.create.child_required')))
    } else if (!Number.isSafeInteger(childId) || childId <= 0) {
      errors.push(childError(i18n.t('resident_applications.create.child_invalid')))
    }
  }
  try {
    await PluginForm.answersFrom(form.fields, answers, form.messages)
  } catch (error) {
    if (!(error instanceof vineErrors.E_VALIDATION_ERROR)) throw error
    for (const message of error.messages as ErrorMessage[]) {
      errors.push({ ...message, field: message.field.split('.')[0] })
    }
  }
  if (errors.length > 0) throw new vineErrors.E_VALIDATION_ERROR(errors)
  return { childId, answers }
}

function childError(message: string): ErrorMessage {
  return { field: 'child_id', message, rule: 'required' }
}
