import { DateTime } from 'luxon'
import db from '@adonisjs/lucid/services/db'
import CouponRedemption from '#ledger/coupon_redemption'
import LedgerRefusal from '#ledger/ledger_refusal'
import ProgramCatalog from '#ledger/program_catalog'
import type { StaffAction } from '#audit/staff_action'
import { localizedText } from '#shared/localized_text'
import VisitCorrections from '#visits/visit_corrections'

/** What the provider sees of a visit's state */
export type ApprovalState =
  | 'waiting'
  // Corrected to more hours than the resident agreed to: they confirm first
  | 'awaiting_resident'
  | 'approved'
  | 'rejected'
  | 'corrected'
  | 'cancelled'

/** How a decision ended when it did not change the visit */
export type ApprovalOutcome =
  | { done: true; redemptionId: number; awaitingResident?: boolean }
  | { done: false; reason: 'not_found' | 'already_decided' | 'unchanged' | 'awaiting_resident' }

/** How many decided visits the queue lists below the waiting ones */
const DECIDED_SHOWN = 50

type RedemptionRow = Record<string, any>

/**
 * The approval queue (使用承認) of one provider in one municipality: the
 * visits residents confirmed and the provider has yet to approve, oldest
 * first, the ones decided today, and the decisions themselves (approve,
 * reject with a reason, correct the hours before approval). Only the
 * provider's own redemptions are ever read or changed; another
 * provider's are as absent as unknown ones.
 */
export default class ProviderApprovals {
  constructor(
    readonly municipalityId: number,
    readonly providerId: number,
    readonly locale: string
  ) {}

  /** The provider's visits waiting for approval, oldest visit first */
  async waiting(facilityId?: number) {
    const rows = await this.#query(facilityId)
      .where('ledger_redemptions.status', 'reserved')
      .orderBy('ledger_redemptions.visit_date')
      .orderBy('ledger_redemptions.visit_start')
      .orderBy('ledger_redemptions.id')
    return Promise.all(rows.map((row) => this.#describe(row)))
  }

  /** Visits approved or rejected since midnight in Japan, newest decision first */
  async decidedToday(facilityId?: number) {
    const midnight = DateTime.now().setZone('Asia/Tokyo').startOf('day').toJSDate()
    const rows = await this.#query(facilityId)
      .whereIn('ledger_redemptions.status', ['posted', 'released'])
      // A corrected reservation is not a decision: its replacement is listed.
      .whereNull('ledger_redemptions.replaced_by_redemption_id')
      .where('ledger_redemptions.resolved_at', '>=', midnight)
      .orderBy('ledger_redemptions.resolved_at', 'desc')
      .orderBy('ledger_redemptions.id', 'desc')
      .limit(DECIDED_SHOWN)
    return Promise.all(rows.map((row) => this.#describe(row)))
  }

  /** One of the provider's visits, or null */
  async find(redemptionId: number) {
    const row = await this.#query().where('ledger_redemptions.id', redemptionId).first()
    if (!row) return null
    const { program } = await ProgramCatalog.find({
      pluginId: row.plugin_id,
      programCode: row.program_code,
    })
    return {
      ...(await this.#describe(row)),
      replacedBy:
        row.replaced_by_redemption_id === null ? null : Number(row.replaced_by_redemption_id),
      /** The visit lengths the program allows, for the correction form */
      allowedMinutes: [...program.visit.minutes],
    }
  }

  /**
   * Approves, unless the visit waits for the resident to confirm corrected
   * hours (that wait only ever ends, so checking first cannot let an
   * unconfirmed visit through; a visit corrected again meanwhile is
   * released, and the guarded approval refuses it).
   */
  async approve(redemptionId: number, by: StaffAction): Promise<ApprovalOutcome> {
    const correction = await VisitCorrections.find(this.municipalityId, redemptionId)
    if (correction?.awaitingResident && (await this.owns(redemptionId))) {
      return { done: false, reason: 'awaiting_resident' }
    }
    return this.#decide(redemptionId, () =>
      CouponRedemption.approve(this.municipalityId, redemptionId, by)
    )
  }

  async reject(redemptionId: number, reason: string, by: StaffAction): Promise<ApprovalOutcome> {
    return this.#decide(redemptionId, () =>
      CouponRedemption.reject(this.municipalityId, redemptionId, reason, by)
    )
  }

  /**
   * The actual hours, before approval. Rule refusals (visit lengths, hours
   * left, daily limits) are thrown as LedgerRefusal; nothing changed then.
   * The correction is recorded and the resident told (VisitCorrections);
   * more hours than they agreed to wait for their confirmation.
   */
  async correct(redemptionId: number, minutes: number, by: StaffAction): Promise<ApprovalOutcome> {
    if (!(await this.owns(redemptionId))) return { done: false, reason: 'not_found' }
    try {
      const result = await CouponRedemption.correct(
        this.municipalityId,
        redemptionId,
        minutes,
        by,
        (trx, correction) => VisitCorrections.record(trx, correction, by)
      )
      if (!result) return { done: false, reason: 'not_found' }
      if (result.unchanged) return { done: false, reason: 'unchanged' }
      const correction = await VisitCorrections.find(this.municipalityId, result.redemptionId)
      return {
        done: true,
        redemptionId: result.redemptionId,
        awaitingResident: correction?.awaitingResident ?? false,
      }
    } catch (error) {
      if (error instanceof LedgerRefusal && error.code === 'not_reserved') {
        return { done: false, reason: 'already_decided' }
      }
      throw error
    }
  }

  /** Resident ids on a page of rows, for the audit trail */
  static residentIds(rows: { residentId: number }[]) {
    return [...new Set(rows.map((row) => row.residentId))]
  }

  async #decide(redemptionId: number, work: () => Promise<boolean>): Promise<ApprovalOutcome> {
    if (!(await this.owns(redemptionId))) return { done: false, reason: 'not_found' }
    try {
      if (!(await work())) return { done: false, reason: 'not_found' }
      return { done: true, redemptionId }
    } catch (error) {
      // The guarded status change lost to a decision that came first.
      if (error instanceof LedgerRefusal && error.code === 'not_reserved') {
        return { done: false, reason: 'already_decided' }
      }
      throw error
    }
  }

  /** Whether the redemption is one of this provider's in this municipality */
  async owns(redemptionId: number) {
    const row = await db
      .from('ledger_redemptions')
      .where({
        id: redemptionId,
        municipality_id: this.municipalityId,
        provider_id: this.providerId,
      })
      .select('id')
      .first()
    return Boolean(row)
  }

  /** This provider's redemptions in this municipality, with resident and facility */
  #query(facilityId?: number) {
    const query = db
      .from('ledger_redemptions')
      .join('residents', 'residents.id', 'ledger_redemptions.resident_id')
      .leftJoin('facilities', 'facilities.id', 'ledger_redemptions.facility_id')
      .leftJoin('visit_corrections', 'visit_corrections.redemption_id', 'ledger_redemptions.id')
      .where('ledger_redemptions.municipality_id', this.municipalityId)
      .where('ledger_redemptions.provider_id', this.providerId)
      .select(
        'ledger_redemptions.*',
        'residents.resident_number',
        'residents.family_name',
        'residents.given_name',
        'facilities.name_ja as facility_name_ja',
        'facilities.name_en as facility_name_en',
        'visit_corrections.from_minutes as corrected_from_minutes',
        'visit_corrections.needs_confirmation as correction_needs_confirmation',
        'visit_corrections.confirmed_at as correction_confirmed_at'
      )
    if (facilityId !== undefined) query.where('ledger_redemptions.facility_id', facilityId)
    return query
  }

  async #describe(row: RedemptionRow) {
    const { program } = await ProgramCatalog.find({
      pluginId: row.plugin_id,
      programCode: row.program_code,
    })
    return {
      id: Number(row.id),
      residentId: Number(row.resident_id),
      residentNumber: String(row.resident_number),
      residentName: `${row.family_name} ${row.given_name}`,
      program: localizedText(program.name, this.locale),
      service: localizedText(ProgramCatalog.serviceName(program, row.service), this.locale),
      visitDate: String(row.visit_date),
      visitStart: row.visit_start ? String(row.visit_start) : null,
      minutes: Number(row.minutes),
      facilityId: row.facility_id === null ? null : Number(row.facility_id),
      facility:
        row.facility_id === null
          ? null
          : localizedText({ ja: row.facility_name_ja, en: row.facility_name_en }, this.locale),
      state: stateOf(row),
      /** The hours before the provider corrected them, when they did */
      correctedFromMinutes:
        row.corrected_from_minutes === null || row.corrected_from_minutes === undefined
          ? null
          : Number(row.corrected_from_minutes),
      reason: row.reason && row.replaced_by_redemption_id === null ? String(row.reason) : null,
      confirmedAt: new Date(row.created_at).toISOString(),
      decidedAt: row.resolved_at ? new Date(row.resolved_at).toISOString() : null,
    }
  }
}

function stateOf(row: RedemptionRow): ApprovalState {
  if (row.replaced_by_redemption_id !== null) return 'corrected'
  const states: Record<string, ApprovalState> = {
    reserved: 'waiting',
    posted: 'approved',
    released: 'rejected',
    cancelled: 'cancelled',
  }
  const state = states[row.status] ?? 'waiting'
  const awaitingResident =
    Boolean(row.correction_needs_confirmation) && !row.correction_confirmed_at
  return state === 'waiting' && awaitingResident ? 'awaiting_resident' : state
}
