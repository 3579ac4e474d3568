import type { I18n } from '@adonisjs/i18n'
import type { ChildDateRefusal } from '#validators/rules/resident_fields'

export type ResidentRefusalCode = 'resident_number_taken' | ChildDateRefusal

/**
 * Why the resident directory refused a change: the form field it concerns
 * and a code translated by staff_residents.validation.<code>. Nothing was
 * changed.
 */
export default class ResidentRefusal extends Error {
  constructor(
    readonly field: string,
    readonly code: ResidentRefusalCode
  ) {
    super(`Resident change refused: ${code} (${field})`)
    this.name = 'ResidentRefusal'
  }

  translate(i18n: I18n) {
    return i18n.t(`staff_residents.validation.${this.code}`)
  }
}
