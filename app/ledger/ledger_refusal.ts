/**
 * Why the ledger refused an operation. `code` maps to a translated message
 * (errors.ledger.<code>), `values` fill it in. Nothing was changed.
 */
export type LedgerRefusalCode =
  | 'not_enough_minutes'
  | 'cap_exceeded'
  | 'no_valid_lot'
  | 'idempotency_conflict'
  | 'not_reserved'
  | 'not_posted'
  | 'invalid_amount'

export default class LedgerRefusal extends Error {
  constructor(
    readonly code: LedgerRefusalCode,
    readonly values: Record<string, string | number> = {}
  ) {
    super(`Ledger refused: ${code} ${JSON.stringify(values)}`)
    this.name = 'LedgerRefusal'
  }
}
