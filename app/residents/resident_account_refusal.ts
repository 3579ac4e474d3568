import Refusal from '#shared/refusal'

/**
 * Why the resident app refused to link, register or change a record:
 *
 * - claim_failed: a wrong 利用者ID, a wrong, used or expired code, or a
 *   record already linked: one answer for all, so nobody can find out
 *   which IDs exist or which codes are live;
 * - throttled: too many wrong tries (values: minutes);
 * - account_already_linked: this account already has its record in that
 *   municipality (only the account's own state: nothing to enumerate);
 * - record_already_linked: staff asked for a code for a record that an
 *   account already holds;
 * - child_dates_locked: coupon lots were issued from the child's dates,
 *   only the center may change them.
 *
 * `field` is the form field the answer belongs under, when there is one.
 * Translated by resident_account.refusals.<code> (staff's by
 * staff_residents.claim_code.refusals.<code>). Nothing was changed.
 */
export type ResidentAccountRefusalCode =
  | 'claim_failed'
  | 'throttled'
  | 'account_already_linked'
  | 'record_already_linked'
  | 'child_dates_locked'

export default class ResidentAccountRefusal extends Refusal<ResidentAccountRefusalCode> {
  protected readonly namespace = 'resident_account.refusals'

  constructor(
    code: ResidentAccountRefusalCode,
    values: Record<string, number> = {},
    readonly field: string | null = null
  ) {
    super(code, values, `Resident account change refused: ${code}`)
  }
}
