import Refusal from '#shared/refusal'

export type ProviderStaffRefusalCode =
  | 'self'
  | 'last_admin'
  | 'already_disabled'
  | 'already_enabled'
  | 'already_member'
  | 'already_disabled_member'

/**
 * Why a provider administrator's change to their staff was refused
 * (provider_staff.refusals.<code>). Nothing was changed.
 */
export default class ProviderStaffRefusal extends Refusal<ProviderStaffRefusalCode> {
  protected readonly namespace = 'provider_staff.refusals'

  constructor(code: ProviderStaffRefusalCode, values: Record<string, string> = {}) {
    super(code, values, `Provider staff change refused: ${code}`)
  }
}
