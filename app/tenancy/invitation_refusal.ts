import Refusal from '#shared/refusal'

export type InvitationRefusalCode =
  | 'invalid'
  | 'wrong_account'
  | 'operator_account'
  | 'admin_exists'
  | 'elsewhere'
  | 'disabled_member'

/**
 * Why an invitation was not accepted (invitations.refusals.<code>).
 * Nothing was granted.
 */
export default class InvitationRefusal extends Refusal<InvitationRefusalCode> {
  protected readonly namespace = 'invitations.refusals'

  constructor(code: InvitationRefusalCode) {
    super(code, {}, `Invitation refused: ${code}`)
  }
}
