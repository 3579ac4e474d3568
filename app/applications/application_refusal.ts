import type { I18n } from '@adonisjs/i18n'

export type ApplicationRefusalCode =
  'not_found' | 'already_open' | 'already_decided' | 'reason_required' | 'reason_too_long'

/**
 * Why an application could not be submitted or decided. `code` maps to a
 * translated message (staff_applications.refusals.<code>). Nothing was
 * changed.
 */
export default class ApplicationRefusal extends Error {
  constructor(
    readonly code: ApplicationRefusalCode,
    readonly values: Record<string, string | number> = {}
  ) {
    super(`Application refused: ${code} ${JSON.stringify(values)}`)
    this.name = 'ApplicationRefusal'
  }

  translate(i18n: I18n) {
    const values = { ...this.values }
    if (typeof values.status === 'string') {
      values.status = i18n.t(`staff_applications.statuses.${values.status}`)
    }
    return i18n.t(`staff_applications.refusals.${this.code}`, values)
  }
}
