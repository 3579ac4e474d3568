import type { TransactionClientContract } from '@adonisjs/lucid/types/database'

/** What staff or the provider decided about a reserved visit */
export type RedemptionDecision = 'approved' | 'rejected' | 'cancelled'

/**
 * A redemption was approved, rejected or cancelled, inside `trx` (not yet
 * committed): listeners that act outside the database wait for the commit.
 */
export type RedemptionDecided = {
  redemption: {
    id: number
    municipalityId: number
    residentId: number
    pluginId: string
    programCode: string
    service: string
    visitDate: string
    minutes: number
  }
  decision: RedemptionDecision
  reason: string | null
  trx: TransactionClientContract
}

declare module '@adonisjs/core/types' {
  interface EventsList {
    'ledger:redemption_decided': RedemptionDecided
  }
}
