import db from '@adonisjs/lucid/services/db'
import Copayment from '#ledger/copayment'
import ProgramCatalog, { type ResolvedProgram } from '#ledger/program_catalog'
import { monthRange } from '#usage/usage_exports'
import {
  VISIT_COLUMNS,
  type VisitResident,
  visitResident,
  withVisitResidents,
} from '#visits/visit_residents'

export type VisitStatus = 'posted' | 'reserved' | 'released' | 'cancelled'

/** Statuses in the order the history shows their counts */
export const HISTORY_STATUSES: VisitStatus[] = ['posted', 'reserved', 'released', 'cancelled']

export type HistoryFilters = {
  /** YYYY-MM */
  month: string
  /** One of the provider's facilities (checked by the caller); undefined: all of them */
  facilityId?: number
  pluginId?: string
  programCode?: string
}

export type HistoryVisit = VisitResident & {
  id: number
  visitDate: string
  visitStart: string | null
  service: string
  minutes: number
  status: VisitStatus
  /** Why it was rejected or cancelled */
  reason: string | null
  /** The lots' income tiers (a visit may span lots) */
  copaymentTiers: string[]
  /**
   * Yen the resident owes for the visit (Copayment.yenFor per lot, by the
   * lot's tier); null when the program has no co-payment. A rejected or
   * cancelled visit owes nothing (0).
   */
  copaymentYen: number | null
}

export type HistoryTotals = {
  /** Approved visits: what the provider is paid for */
  visits: number
  minutes: number
  /** Co-payment of the approved visits; null when the program has none */
  copaymentYen: number | null
  /** Visits and minutes by status (every status listed, zeros included) */
  byStatus: Record<VisitStatus, { visits: number; minutes: number }>
}

export type HistoryGroup = {
  facilityId: number | null
  pluginId: string
  programCode: string
  /** The program as its plugin declares it (undefined when no installed plugin does) */
  program: ResolvedProgram['program'] | undefined
  visits: HistoryVisit[]
  totals: HistoryTotals
}

function emptyTotals(withCopayment: boolean): HistoryTotals {
  return {
    visits: 0,
    minutes: 0,
    copaymentYen: withCopayment ? 0 : null,
    byStatus: Object.fromEntries(
      HISTORY_STATUSES.map((status) => [status, { visits: 0, minutes: 0 }])
    ) as HistoryTotals['byStatus'],
  }
}

/**
 * A provider's monthly history (月次実績) in one municipality: its visits
 * of a month (approved, waiting, rejected, cancelled) per facility and
 * program, with each visit's co-payment and the totals of each group.
 *
 * Every query is scoped by the municipality and the provider (never from
 * the URL: the provider console passes ctx.provider). A visit whose hours
 * were corrected before approval is shown once, as its replacement.
 */
export default class ProviderHistory {
  constructor(
    private readonly municipalityId: number,
    private readonly providerId: number
  ) {}

  /**
   * The programs this provider is contracted for here (of plugins the
   * municipality has enabled), in the registry's order.
   */
  async programs(): Promise<ResolvedProgram[]> {
    const contracts = await db
      .from('provider_contracts')
      .where('municipality_id', this.municipalityId)
      .where('provider_id', this.providerId)
      .select('plugin_id', 'program_code')
    const keys = new Set(contracts.map((row) => `${row.plugin_id}:${row.program_code}`))
    const enabled = await ProgramCatalog.enabled(this.municipalityId)
    return enabled.filter(({ plugin, program }) => keys.has(`${plugin.id}:${program.code}`))
  }

  /**
   * This provider's redemptions here (the one place the scope is written),
   * a corrected visit as its replacement only.
   */
  visitsQuery() {
    return this.#ownRedemptions().whereNull('r.replaced_by_redemption_id')
  }

  /** Every redemption of this provider here, replaced ones included */
  #ownRedemptions() {
    return db
      .from('ledger_redemptions as r')
      .where('r.municipality_id', this.municipalityId)
      .where('r.provider_id', this.providerId)
  }

  /**
   * The month's visits grouped by facility (in `facilityOrder`, visits
   * without a facility last) and program (registry order), each group's
   * visits by date, start and id.
   */
  async month(filters: HistoryFilters, facilityOrder: number[] = []): Promise<HistoryGroup[]> {
    const [from, to] = monthRange(filters.month)
    const query = withVisitResidents(this.visitsQuery())
      .where('r.visit_date', '>=', from)
      .where('r.visit_date', '<', to)
      .whereIn('r.status', HISTORY_STATUSES)
      .select(...VISIT_COLUMNS, 'r.facility_id', 'r.reason')
      .orderBy('r.visit_date')
      .orderBy('r.visit_start')
      .orderBy('r.id')
    if (filters.facilityId !== undefined) query.where('r.facility_id', filters.facilityId)
    if (filters.pluginId) query.where('r.plugin_id', filters.pluginId)
    if (filters.programCode) query.where('r.program_code', filters.programCode)
    const rows = await query

    const catalog = await ProgramCatalog.enabled(this.municipalityId)
    const programOf = (pluginId: string, programCode: string) =>
      catalog.find(({ plugin, program }) => plugin.id === pluginId && program.code === programCode)
        ?.program
    const lots = await this.#lotsOf(rows.map((row) => Number(row.id)))

    const groups = new Map<string, HistoryGroup>()
    for (const row of rows) {
      const facilityId = row.facility_id === null ? null : Number(row.facility_id)
      const key = [facilityId, row.plugin_id, row.program_code].join('\u0000')
      const program = programOf(row.plugin_id, row.program_code)
      let group = groups.get(key)
      if (!group) {
        group = {
          facilityId,
          pluginId: row.plugin_id,
          programCode: row.program_code,
          program,
          visits: [],
          totals: emptyTotals(Boolean(program?.copayment)),
        }
        groups.set(key, group)
      }
      const status = row.status as VisitStatus
      const minutes = Number(row.minutes)
      const spent = lots.get(Number(row.id)) ?? []
      const owes = status === 'posted' || status === 'reserved'
      const yen =
        program?.copayment && owes
          ? spent.reduce(
              (sum, lot) => sum + (Copayment.yenFor(program, lot.tier, lot.minutes) ?? 0),
              0
            )
          : program?.copayment
            ? 0
            : null
      group.visits.push({
        id: Number(row.id),
        visitDate: row.visit_date,
        visitStart: row.visit_start,
        ...visitResident(row),
        service: row.service,
        minutes,
        status,
        reason: row.reason ?? null,
        copaymentTiers: [...new Set(spent.flatMap((lot) => (lot.tier ? [lot.tier] : [])))],
        copaymentYen: yen,
      })
      group.totals.byStatus[status].visits++
      group.totals.byStatus[status].minutes += minutes
      if (status === 'posted') {
        group.totals.visits++
        group.totals.minutes += minutes
        if (group.totals.copaymentYen !== null) group.totals.copaymentYen += yen ?? 0
      }
    }

    const facilityRank = (id: number | null) => {
      if (id === null) return Number.MAX_SAFE_INTEGER
      const index = facilityOrder.indexOf(id)
      return index === -1 ? Number.MAX_SAFE_INTEGER - 1 : index
    }
    const programRank = (group: HistoryGroup) => {
      const index = catalog.findIndex(
        ({ plugin, program }) => plugin.id === group.pluginId && program.code === group.programCode
      )
      return index === -1 ? catalog.length : index
    }
    return [...groups.values()].sort(
      (a, b) =>
        facilityRank(a.facilityId) - facilityRank(b.facilityId) ||
        (a.facilityId ?? 0) - (b.facilityId ?? 0) ||
        programRank(a) - programRank(b)
    )
  }

  /**
   * The provider's latest visits (newest first), for choosing the visit a
   * memo is about; with `onlyId`, just that visit (when it is the provider's).
   */
  async recent(limit = 100, onlyId?: number) {
    const query = withVisitResidents(this.visitsQuery())
      .select('r.id', 'r.visit_date', 'r.visit_start', 'r.plugin_id', 'r.program_code', 'r.service')
      .orderBy('r.visit_date', 'desc')
      .orderBy('r.id', 'desc')
      .limit(limit)
    if (onlyId !== undefined) query.where('r.id', onlyId)
    const rows = await query
    return rows.map((row) => ({
      id: Number(row.id),
      visitDate: row.visit_date as string,
      visitStart: row.visit_start as string | null,
      pluginId: row.plugin_id as string,
      programCode: row.program_code as string,
      service: row.service as string,
      ...visitResident(row),
    }))
  }

  /** Whether the resident has had a visit with this provider here (any status) */
  async servedResident(residentId: number) {
    const visit = await this.visitsQuery().where('r.resident_id', residentId).select('r.id').first()
    return visit !== null
  }

  /** One of this provider's visits here, or null */
  async visit(redemptionId: number) {
    const row = await this.#ownRedemptions()
      .where('r.id', redemptionId)
      .select('r.id', 'r.resident_id', 'r.visit_date')
      .first()
    return row
      ? { id: Number(row.id), residentId: Number(row.resident_id), visitDate: row.visit_date }
      : null
  }

  /** The lots each visit was reserved from, with their tiers (a visit may span lots) */
  async #lotsOf(redemptionIds: number[]) {
    const byRedemption = new Map<number, { tier: string | null; minutes: number }[]>()
    if (redemptionIds.length === 0) return byRedemption
    const entries = await db
      .from('ledger_entries as e')
      .join('ledger_lots as l', 'l.id', 'e.lot_id')
      .whereIn('e.redemption_id', redemptionIds)
      .where('e.municipality_id', this.municipalityId)
      .where('e.kind', 'reserve')
      .select('e.redemption_id', 'e.minutes', 'l.copayment_tier')
      .orderBy('e.id')
    for (const entry of entries) {
      const id = Number(entry.redemption_id)
      const list = byRedemption.get(id) ?? []
      list.push({ tier: entry.copayment_tier ?? null, minutes: Number(entry.minutes) })
      byRedemption.set(id, list)
    }
    return byRedemption
  }
}
