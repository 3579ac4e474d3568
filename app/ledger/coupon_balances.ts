import db from '@adonisjs/lucid/services/db'
import LedgerEngine, { type LotRow } from '#ledger/ledger_engine'
import { planDebit } from '#ledger/debit_plan'
import ProgramCatalog, { type ProgramRef } from '#ledger/program_catalog'
import ProgramSpendPolicy from '#ledger/program_spend_policy'

export type ServiceBalance = { service: string; minutes: number }

/** A resident's lot as read from ledger_lots, of any program */
export type ResidentLotRow = LotRow & { plugin_id: string; program_code: string; status: string }

/** A lot a visit on `onDate` can be paid from: active and valid that day */
export function usableOn(
  lot: Pick<ResidentLotRow, 'status' | 'valid_from' | 'valid_to'>,
  onDate: string
) {
  return lot.status === 'active' && lot.valid_from <= onDate && lot.valid_to >= onDate
}

/**
 * What a resident can still spend on each service of a program on a date:
 * the lots valid that day that pay for the service, each capped by the
 * same rules a redemption meets (sub-caps shared by a window's lots, a
 * service's last day). The doula balance of the worked example is
 * min(lot balance, doula sub-cap left). The program's lots are read here,
 * or taken from a caller that has read all the resident's lots (a read
 * per program saved); one filter picks the usable ones either way.
 */
export default class CouponBalances {
  static async byService(
    municipalityId: number,
    residentId: number,
    ref: ProgramRef,
    onDate: string,
    residentLots?: ResidentLotRow[]
  ): Promise<ServiceBalance[]> {
    const { program } = await ProgramCatalog.find(ref)
    const policy = new ProgramSpendPolicy(program)
    const client = db.connection()
    const usable = (lot: ResidentLotRow) =>
      lot.plugin_id === ref.pluginId &&
      lot.program_code === ref.programCode &&
      usableOn(lot, onDate)
    const read =
      residentLots ??
      ((await LedgerEngine.programLots(client, {
        ...ref,
        municipalityId,
        residentId,
      })) as ResidentLotRow[])
    const lots = read.filter(usable).sort((a, b) => Number(a.id) - Number(b.id))

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
