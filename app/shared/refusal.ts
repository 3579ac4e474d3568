import type { I18n } from '@adonisjs/i18n'

export type RefusalValues = Record<string, string | number>

/**
 * Why a service refused a change: a code, translated as
 * <namespace>.<code> with its values. Nothing was changed. (The ledger's
 * own LedgerRefusal also shows minutes as hours and dates in the
 * reader's style.)
 */
export default abstract class Refusal<Code extends string> extends Error {
  /** Where the codes' messages are, e.g. "staff_providers.refusals" */
  protected abstract readonly namespace: string

  constructor(
    readonly code: Code,
    readonly values: RefusalValues,
    message: string
  ) {
    super(message)
    this.name = new.target.name
  }

  translate(i18n: I18n) {
    return i18n.t(`${this.namespace}.${this.code}`, this.valuesFor(i18n))
  }

  /** The values as the message shows them */
  protected valuesFor(_i18n: I18n): RefusalValues {
    return this.values
  }
}
