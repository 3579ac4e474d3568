import db from '@adonisjs/lucid/services/db'
import LedgerEngine, { type LotRow } from '#ledger/ledger_engine'
import { planDebit } from '#ledger/debit_plan'
import ProgramCatalog, { type ProgramRef } from '#ledger/program_catalog'
import ProgramSpendPolicy from '#ledger/program_spend_policy'

export type ServiceBalance = { service: string; minutes: number }

/**
 * What a resident can still spend on each service of a program on a date:
 * the lots valid that day that pay for the service, each capped by the
 * same rules a redemption meets (sub-caps shared by a window's lots, a
 * service's last day). The doula balance of the worked example is
 * min(lot balance, doula sub-cap left).
 */
export default class CouponBalances {
  static async byService(
    municipalityId: number,
    residentId: number,
    ref: ProgramRef,
    onDate: string
  ): Promise<ServiceBalance[]> {
    const { program } = await ProgramCatalog.find(ref)
    const policy = new ProgramSpendPolicy(program)
    const client = db.connection()
    const lots = (await LedgerEngine.programLots(client, {
      ...ref,
      municipalityId,
      residentId,
    })
      .where('status', 'active')
      .where('valid_from', '<=', onDate)
      .where('valid_to', '>=', onDate)
      .orderBy('id')) as LotRow[]

    const balances: ServiceBalance[] = []
    for (const { code: service } of program.services) {
      const request = {
        ...ref,
        municipalityId,
        residentId,
        service,
        visitDate: onDate,
        minutes: Number.MAX_SAFE_INTEGER,
        idempotencyKey: '',
        deductionPriority: program.deductionPriority,
      }
      const { remaining } = await planDebit(
        LedgerEngine.orderForDeduction(lots, request),
        request.minutes,
        (lot) => policy.lotLimit(client, lot, request)
      )
      balances.push({ service, minutes: request.minutes - remaining })
    }
    return balances
  }
}
