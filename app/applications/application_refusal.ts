import type { I18n } from '@adonisjs/i18n'
import Refusal, { type RefusalValues } from '#shared/refusal'

export type ApplicationRefusalCode =
  'not_found' | 'already_open' | 'already_decided' | 'reason_required' | 'reason_too_long'

/**
 * Why an application could not be submitted or decided. `code` maps to a
 * translated message (staff_applications.refusals.<code>), a status by
 * its label. Nothing was changed.
 */
export default class ApplicationRefusal extends Refusal<ApplicationRefusalCode> {
  protected readonly namespace = 'staff_applications.refusals'

  constructor(code: ApplicationRefusalCode, values: RefusalValues = {}) {
    super(code, values, `Application refused: ${code} ${JSON.stringify(values)}`)
  }

  protected valuesFor(i18n: I18n) {
    const values = { ...this.values }
    if (typeof values.status === 'string') {
      values.status = i18n.t(`staff_applications.statuses.${values.status}`)
    }
    return values
  }
}
