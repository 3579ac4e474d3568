import db from '@adonisjs/lucid/services/db'
import Copayment from '#ledger/copayment'
import { usableOn } from '#ledger/coupon_balances'
import LedgerEngine, { type LotRow } from '#ledger/ledger_engine'
import ProgramCatalog, { type ProgramRef } from '#ledger/program_catalog'

export type VisitCopaymentFigures = {
  /** Yen per hour of the tier the visit is paid from (null when it spans tiers) */
  yenPerHour: number | null
  /** What the resident pays the provider for this visit */
  totalYen: number
}

/**
 * What a resident pays for a visit of a program with co-payment
 * (single-parent home help's tiers): for a visit already reserved, from
 * the lots it was reserved from; for one still to confirm, from the lots
 * it would be paid from, in the ledger's deduction order. Null for a
 * program without co-payment.
 */
export default class VisitCopayment {
  static async of(
    municipalityId: number,
    residentId: number,
    visit: ProgramRef & { service: string; visitDate: string; minutes: number },
    redemptionId?: number
  ): Promise<VisitCopaymentFigures | null> {
    const { program } = await ProgramCatalog.find(visit)
    if (!program.copayment) return null
    const parts = redemptionId
      ? await this.#reserved(municipalityId, redemptionId)
      : await this.#planned(municipalityId, residentId, visit, program.deductionPriority)
    const yen = parts.map((part) => Copayment.yenFor(program, part.tier, part.minutes) ?? 0)
    const tiers = [...new Set(parts.map((part) => part.tier))]
    return {
      yenPerHour: tiers.length === 1 ? Copayment.yenFor(program, tiers[0], 60) : null,
      totalYen: yen.reduce((sum, value) => sum + value, 0),
    }
  }

  /** The lots a reserved or approved visit holds, with their tiers */
  static async #reserved(municipalityId: number, redemptionId: number) {
    const entries = await db
      .from('ledger_entries as e')
      .join('ledger_lots as l', 'l.id', 'e.lot_id')
      .where('e.municipality_id', municipalityId)
      .where('e.redemption_id', redemptionId)
      .where('e.kind', 'reserve')
      .select('e.minutes', 'l.copayment_tier')
      .orderBy('e.id')
    return entries.map((entry) => ({
      tier: (entry.copayment_tier as string | null) ?? null,
      minutes: Number(entry.minutes),
    }))
  }

  /** The lots a visit still to confirm would be paid from, first to last */
  static async #planned(
    municipalityId: number,
    residentId: number,
    visit: ProgramRef & { service: string; visitDate: string; minutes: number },
    deductionPriority: string[]
  ) {
    const lots = (await LedgerEngine.programLots(db.connection(), {
      ...visit,
      municipalityId,
      residentId,
    })) as (LotRow & { status: string; copayment_tier: string | null })[]
    const usable = lots.filter(
      (lot) => usableOn(lot, visit.visitDate) && Number(lot.available_minutes) > 0
    )
    const ordered = LedgerEngine.orderForDeduction(usable, {
      service: visit.service,
      deductionPriority,
    }) as typeof usable
    const parts: { tier: string | null; minutes: number }[] = []
    let remaining = visit.minutes
    for (const lot of ordered) {
      if (remaining <= 0) break
      const minutes = Math.min(remaining, Number(lot.available_minutes))
      parts.push({ tier: lot.copayment_tier ?? null, minutes })
      remaining -= minutes
    }
    return parts
  }
}
