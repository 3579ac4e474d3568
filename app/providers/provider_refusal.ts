import Refusal from '#shared/refusal'

export type ProviderRefusalCode =
  'unknown_program' | 'unknown_service' | 'no_services' | 'invalid_selection'

/**
 * Why the provider registry refused a change (staff_providers.refusals.<code>).
 * Nothing was changed.
 */
export default class ProviderRefusal extends Refusal<ProviderRefusalCode> {
  protected readonly namespace = 'staff_providers.refusals'

  constructor(code: ProviderRefusalCode, values: Record<string, string> = {}) {
    super(code, values, `Provider change refused: ${code}`)
  }
}
