import Refusal from '#shared/refusal'

export type StaffSignInRefusalCode = 'unreachable' | 'invalid' | 'insecure' | 'secret_required'

/**
 * Why a municipality's sign-in settings were not saved
 * (staff_sign_in.refusals.<code>). Nothing was saved.
 */
export default class StaffSignInRefusal extends Refusal<StaffSignInRefusalCode> {
  protected readonly namespace = 'staff_sign_in.refusals'

  constructor(code: StaffSignInRefusalCode) {
    super(code, {}, `Staff sign-in settings refused: ${code}`)
  }
}
