import Refusal from '#shared/refusal'
import type { ChildDateRefusal } from '#residents/resident_field_rules'

export type ResidentRefusalCode = 'resident_number_taken' | ChildDateRefusal

/**
 * Why the resident directory refused a change: the form field it concerns
 * and a code translated by staff_residents.validation.<code>. Nothing was
 * changed.
 */
export default class ResidentRefusal extends Refusal<ResidentRefusalCode> {
  protected readonly namespace = 'staff_residents.validation'

  constructor(
    readonly field: string,
    code: ResidentRefusalCode
  ) {
    super(code, {}, `Resident change refused: ${code} (${field})`)
  }
}
