import type { I18n } from '@adonisjs/i18n'

export type ProviderRefusalCode =
  'unknown_program' | 'unknown_service' | 'no_services' | 'invalid_selection'

/**
 * Why the provider registry refused a change (staff_providers.refusals.<code>).
 * Nothing was changed.
 */
export default class ProviderRefusal extends Error {
  constructor(
    readonly code: ProviderRefusalCode,
    readonly values: Record<string, string> = {}
  ) {
    super(`Provider change refused: ${code}`)
  }

  translate(i18n: I18n) {
    return i18n.t(`staff_providers.refusals.${this.code}`, this.values)
  }
}
