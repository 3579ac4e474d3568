import db from '@adonisjs/lucid/services/db'
import type { ProgramRef } from '#ledger/program_catalog'
import type { DatabaseQueryBuilderContract } from '@adonisjs/lucid/types/querybuilder'
import ProgramNames from '#ledger/program_names'
import { visitPlaces, withVisitPlaces } from '#visits/visit_places'
import { VISIT_COLUMNS } from '#visits/visit_residents'
import VisitCorrections from '#visits/visit_corrections'

export const HISTORY_PAGE_SIZE = 50

/** reserved → waiting, posted → approved, released → rejected, cancelled */
const VISIT_STATUS = {
  reserved: 'waiting',
  posted: 'approved',
  released: 'rejected',
  cancelled: 'cancelled',
} as const

export type VisitStatus = (typeof VISIT_STATUS)[keyof typeof VISIT_STATUS]

export type VisitItem = {
  type: 'visit'
  /** The redemption's id (the visit page's id) */
  id: number
  at: string
  pluginId: string
  programCode: string
  programName: string
  service: string
  serviceName: string
  visitDate: string
  visitStart: string | null
  minutes: number
  status: VisitStatus
  /** Why it was rejected or cancelled */
  reason: string | null
  facility: string | null
  provider: string | null
  /** The provider corrected the hours: before and after, and whether the resident is to confirm */
  correction: { fromMinutes: number; toMinutes: number; awaitingResident: boolean } | null
}

export type GrantKind = 'issued' | 'added' | 'revoked' | 'expiry_changed' | 'expired'

export type GrantItem = {
  type: 'grant'
  /** The ledger entry's id */
  id: number
  at: string
  pluginId: string
  programCode: string
  programName: string
  kind: GrantKind
  minutes: number
  reason: string | null
  window: string | null
  validFrom: string
  /** The lot's last valid day as it is now */
  validTo: string
}

export type HistoryItem = VisitItem | GrantItem

export type HistoryPage = {
  items: HistoryItem[]
  total: number
  page: number
  pageSize: number
}

type LotRow = {
  id: number
  plugin_id: string
  program_code: string
  definition_version: string
  window_key: string | null
  child_id: number | null
  valid_from: string
  valid_to: string
}

/**
 * A resident's own history: every visit (waiting, approved, rejected or
 * cancelled, with the reason) and every change on the grant side (hours
 * issued or added, a lot revoked with the reason, its expiry changed, hours
 * expired), of one program or all, newest first, 50 to a page. Visit
 * entries of the journal (reserve, redeem, release, cancel) are told by
 * the visit's own row, so each visit is one item.
 */
export default class ResidentHistory {
  constructor(
    private municipalityId: number,
    private locale: string
  ) {}

  #visits(residentId: number, program: ProgramRef | null) {
    const query = db
      .from('ledger_redemptions')
      .where({ municipality_id: this.municipalityId, resident_id: residentId })
      // A reservation whose hours the provider corrected lives on as its replacement
      .whereNull('replaced_by_redemption_id')
      .select(db.raw("'visit' as type"), 'id', 'created_at')
    if (program) query.where({ plugin_id: program.pluginId, program_code: program.programCode })
    return query
  }

  #grants(residentId: number, program: ProgramRef | null) {
    const query = db
      .from('ledger_entries as e')
      .join('ledger_lots as l', 'l.id', 'e.lot_id')
      .where({ 'e.municipality_id': this.municipalityId, 'e.resident_id': residentId })
      .whereNull('e.redemption_id')
      // A "revoke" entry without a reason is not staff's revocation: it is
      // minutes of a cancelled visit lapsing on a lot revoked before.
      .where((kinds) =>
        kinds
          .whereIn('e.kind', ['grant', 'adjust', 'expire'])
          .orWhere((revoke) => revoke.where('e.kind', 'revoke').whereNotNull('e.reason'))
      )
      .select(db.raw("'grant' as type"), 'e.id', 'e.created_at')
    if (program) {
      query.where({ 'l.plugin_id': program.pluginId, 'l.program_code': program.programCode })
    }
    return query
  }

  async page(
    residentId: number,
    options: { program?: ProgramRef | null; page?: number } = {}
  ): Promise<HistoryPage> {
    const program = options.program ?? null
    const page = options.page ?? 1
    const union = () =>
      this.#visits(residentId, program).unionAll(this.#grants(residentId, program)).as('history')
    const counted = await db.from(union()).count('* as total').first()
    const keys = await db
      .from(union())
      .orderBy('created_at', 'desc')
      .orderBy('type', 'desc')
      .orderBy('id', 'desc')
      .limit(HISTORY_PAGE_SIZE)
      .offset((page - 1) * HISTORY_PAGE_SIZE)
      .select('type', 'id')

    const ids = (type: string) =>
      keys.filter((key) => key.type === type).map((key) => Number(key.id))
    const visitIds = ids('visit')
    const visitItems = visitIds.length
      ? await this.#visitItems((query) => query.whereIn('r.id', visitIds))
      : []
    const grantItems = await this.#grantItems(residentId, ids('grant'))
    const visits = new Map(visitItems.map((item) => [`visit:${item.id}`, item]))
    const grants = new Map(grantItems.map((item) => [`grant:${item.id}`, item]))
    const items = keys
      .map((key) => visits.get(`${key.type}:${key.id}`) ?? grants.get(`${key.type}:${key.id}`))
      .filter((item): item is HistoryItem => item !== undefined)
    return {
      items,
      total: Number(counted?.total ?? 0),
      page,
      pageSize: HISTORY_PAGE_SIZE,
    }
  }

  /** The resident's visits waiting for the provider's approval, by visit day */
  async waiting(residentId: number): Promise<VisitItem[]> {
    return this.#visitItems((query) =>
      query
        .where({ 'r.resident_id': residentId, 'r.status': 'reserved' })
        .orderBy('r.visit_date')
        .orderBy('r.id')
    )
  }

  /** The redemptions `scope` picks, as visits with names in the reader's language */
  async #visitItems(scope: (query: DatabaseQueryBuilderContract) => void): Promise<VisitItem[]> {
    const query = withVisitPlaces(
      db
        .from('ledger_redemptions as r')
        .where('r.municipality_id', this.municipalityId)
        .select(...VISIT_COLUMNS, 'r.created_at', 'r.reason')
    )
    scope(query)
    const rows = await query
    const names = new ProgramNames(this.locale)
    const corrections = await VisitCorrections.of(
      this.municipalityId,
      rows.map((row) => Number(row.id))
    )
    const items: VisitItem[] = []
    for (const row of rows) {
      const correction = corrections.get(Number(row.id))
      const ref = { pluginId: row.plugin_id, programCode: row.program_code }
      const status = VISIT_STATUS[row.status as keyof typeof VISIT_STATUS] ?? 'waiting'
      items.push({
        type: 'visit',
        id: Number(row.id),
        at: new Date(row.created_at).toISOString(),
        ...ref,
        programName: await names.program(ref),
        service: row.service,
        serviceName: await names.service(ref, row.service),
        visitDate: row.visit_date,
        visitStart: row.visit_start,
        minutes: Number(row.minutes),
        status,
        reason: status === 'rejected' || status === 'cancelled' ? row.reason : null,
        ...visitPlaces(row, this.locale),
        correction: correction
          ? {
              fromMinutes: correction.fromMinutes,
              toMinutes: correction.toMinutes,
              awaitingResident: status === 'waiting' && correction.awaitingResident,
            }
          : null,
      })
    }
    return items
  }

  async #grantItems(residentId: number, ids: number[]): Promise<GrantItem[]> {
    if (ids.length === 0) return []
    const entries = await db
      .from('ledger_entries')
      .whereIn('id', ids)
      .select('id', 'lot_id', 'kind', 'minutes', 'reason', 'created_at')
    // The resident's lots tell a first grant from hours added to a window
    // that already had a lot.
    const lots: LotRow[] = await db
      .from('ledger_lots')
      .where({ municipality_id: this.municipalityId, resident_id: residentId })
      .orderBy('id')
      .select(
        'id',
        'plugin_id',
        'program_code',
        'definition_version',
        'window_key',
        'child_id',
        'valid_from',
        'valid_to'
      )
    const names = new ProgramNames(this.locale)
    const items: GrantItem[] = []
    for (const entry of entries) {
      const lot = lots.find((candidate) => Number(candidate.id) === Number(entry.lot_id))
      if (!lot) continue
      const ref = { pluginId: lot.plugin_id, programCode: lot.program_code }
      items.push({
        type: 'grant',
        id: Number(entry.id),
        at: new Date(entry.created_at).toISOString(),
        ...ref,
        programName: await names.program(ref),
        kind: this.#kind(entry.kind, lot, lots),
        minutes: Number(entry.minutes),
        reason: entry.kind === 'revoke' || entry.kind === 'adjust' ? entry.reason : null,
        window: await names.window(ref, lot.definition_version, lot.window_key),
        validFrom: lot.valid_from,
        validTo: lot.valid_to,
      })
    }
    return items
  }

  #kind(entryKind: string, lot: LotRow, lots: LotRow[]): GrantKind {
    if (entryKind === 'revoke') return 'revoked'
    if (entryKind === 'adjust') return 'expiry_changed'
    if (entryKind === 'expire') return 'expired'
    const earlier = lots.some(
      (other) =>
        Number(other.id) < Number(lot.id) &&
        lot.window_key !== null &&
        other.plugin_id === lot.plugin_id &&
        other.program_code === lot.program_code &&
        other.definition_version === lot.definition_version &&
        other.window_key === lot.window_key &&
        (other.child_id === null ? null : Number(other.child_id)) ===
          (lot.child_id === null ? null : Number(lot.child_id))
    )
    return earlier ? 'added' : 'issued'
  }
}
