import { DateTime } from 'luxon'
import db from '@adonisjs/lucid/services/db'
import { todayInJapan } from '#ledger/coupon_issuance'
import { REMINDER_DAYS } from '#ledger/expiry_reminders'
import type { ProgramRef } from '#ledger/program_catalog'
import ProgramNames from '#ledger/program_names'
import ResidentHistory, { type VisitItem } from '#home/resident_history'
import ResidentCoupons, { type CouponLot, type ProgramCoupons } from '#ledger/resident_coupons'
import { pluginRules } from '#plugin_host/plugin_rules'

/**
 * Hours that end within this many days are "expiring soon": the same
 * threshold as the first expiry reminder mail, so the home page warns
 * about exactly what the mail warned about.
 */
export const EXPIRING_SOON_DAYS = REMINDER_DAYS[0]

export type ServiceHours = { service: string; name: string; minutes: number }

export type NearestExpiry = {
  /** The last valid day of the lot(s) ending first */
  date: string
  /** Minutes still available on the lot(s) ending that day */
  minutes: number
  daysLeft: number
  soon: boolean
}

export type WaitingVisit = Pick<
  VisitItem,
  | 'id'
  | 'pluginId'
  | 'programCode'
  | 'programName'
  | 'service'
  | 'serviceName'
  | 'visitDate'
  | 'visitStart'
  | 'minutes'
  | 'facility'
  | 'provider'
>

export type OpenApplication = {
  id: number
  pluginId: string
  programCode: string
  programName: string
  submittedAt: string
}

export type HeldProgram = {
  pluginId: string
  programCode: string
  name: string
  /** What each service may use today (the figures pools are made of) */
  balances: ServiceHours[]
  /** The same hours as shown: services sharing them as one figure */
  pools: ProgramCoupons['pools']
  nearestExpiry: NearestExpiry | null
}

export type AvailableProgram = {
  pluginId: string
  programCode: string
  name: string
  /** An application to it is waiting for the municipality's decision */
  applied: boolean
}

export type Overview = {
  held: HeldProgram[]
  available: AvailableProgram[]
  waitingVisits: WaitingVisit[]
  openApplications: OpenApplication[]
}

export type ResidentLot = {
  id: number
  window: string | null
  services: string[]
  grantedMinutes: number
  availableMinutes: number
  /** Minutes held by visits waiting for the provider's approval */
  heldMinutes: number
  validFrom: string
  validTo: string
  /** Expired also when its last day has passed and the nightly run has not caught up */
  status: 'active' | 'expired' | 'revoked'
  /** Starts later (e.g. the window from the first birthday) */
  upcoming: boolean
  /** Why staff revoked it */
  reason: string | null
  definitionName: string
  definitionVersion: string
  child: { name: string | null; birthDate: string | null; dueDate: string | null } | null
}

export type ProgramDetail = HeldProgram & {
  lots: ResidentLot[]
  /** Translation keys of the plugin's rules in plain words */
  rules: { title: string; items: string[] } | null
}

/**
 * What a resident sees of their own programs: on the home page, per
 * program they hold lots in the hours left today per service, the nearest
 * expiry and whether it is soon, the programs they could still apply to,
 * visits waiting for the provider and applications waiting for a
 * decision; on a program's page, its lots in plain terms and its rules.
 * The numbers come from the same place as the staff screen's
 * (ResidentCoupons, CouponBalances), so both always agree.
 */
export default class ResidentOverview {
  constructor(
    private municipalityId: number,
    private locale: string
  ) {}

  async of(residentId: number, today = todayInJapan()): Promise<Overview> {
    const programs = await new ResidentCoupons(this.municipalityId, this.locale).of(
      residentId,
      today
    )
    const openApplications = await this.#openApplications(residentId)
    const applied = new Set(openApplications.map((row) => `${row.pluginId}/${row.programCode}`))
    return {
      held: programs
        .filter((program) => program.lots.length > 0)
        .map((program) => this.#held(program, today)),
      available: programs
        .filter((program) => program.lots.length === 0)
        .map((program) => ({
          pluginId: program.pluginId,
          programCode: program.programCode,
          name: program.name,
          applied: applied.has(program.key),
        })),
      waitingVisits: await this.#waitingVisits(residentId),
      openApplications,
    }
  }

  /** One program's page; null when the municipality does not offer it */
  async program(
    residentId: number,
    ref: ProgramRef,
    today = todayInJapan()
  ): Promise<ProgramDetail | null> {
    // One entry per program the municipality offers (ProgramCatalog.enabled)
    const offered = await new ResidentCoupons(this.municipalityId, this.locale).of(
      residentId,
      today
    )
    const program = offered.find(
      (candidate) =>
        candidate.pluginId === ref.pluginId && candidate.programCode === ref.programCode
    )
    if (!program) return null
    const children = await db
      .from('children')
      .where({ municipality_id: this.municipalityId, resident_id: residentId })
      .select('id', 'given_name', 'birth_date', 'due_date')
    const childOf = (id: number | null) => {
      const child = children.find((row) => Number(row.id) === id)
      return child
        ? { name: child.given_name, birthDate: child.birth_date, dueDate: child.due_date }
        : null
    }
    return {
      ...this.#held(program, today),
      lots: program.lots
        .map((lot) => this.#lot(lot, today, childOf(lot.childId)))
        // Usable lots first (ending soonest), then those that ended
        .sort(
          (a, b) =>
            Number(a.status !== 'active') - Number(b.status !== 'active') ||
            a.validTo.localeCompare(b.validTo) ||
            a.id - b.id
        ),
      rules: pluginRules(ref.pluginId),
    }
  }

  #held(program: ProgramCoupons, today: string): HeldProgram {
    return {
      pluginId: program.pluginId,
      programCode: program.programCode,
      name: program.name,
      balances: program.balances,
      pools: program.pools,
      nearestExpiry: ResidentOverview.nearestExpiry(program.lots, today),
    }
  }

  /**
   * The first last-day among lots usable today with minutes left: the lots
   * the balances above it count (CouponBalances.byService), so a lot that
   * starts later never warns beside "no hours to use right now".
   */
  static nearestExpiry(
    lots: Pick<CouponLot, 'status' | 'lapsed' | 'availableMinutes' | 'validFrom' | 'validTo'>[],
    today: string
  ): NearestExpiry | null {
    const usable = lots.filter(
      (lot) =>
        lot.status === 'active' && !lot.lapsed && lot.validFrom <= today && lot.availableMinutes > 0
    )
    if (usable.length === 0) return null
    const date = usable.map((lot) => lot.validTo).sort()[0]
    const daysLeft = Math.round(
      DateTime.fromISO(date, { zone: 'utc' })
        .diff(DateTime.fromISO(today, { zone: 'utc' }), 'days')
        .as('days')
    )
    return {
      date,
      minutes: usable
        .filter((lot) => lot.validTo === date)
        .reduce((total, lot) => total + lot.availableMinutes, 0),
      daysLeft,
      soon: daysLeft <= EXPIRING_SOON_DAYS,
    }
  }

  #lot(lot: CouponLot, today: string, child: ResidentLot['child']): ResidentLot {
    const revoke = [...lot.history].reverse().find((change) => change.kind === 'revoke')
    return {
      id: lot.id,
      window: lot.window,
      services: lot.services,
      grantedMinutes: lot.grantedMinutes,
      availableMinutes: lot.status === 'active' && !lot.lapsed ? lot.availableMinutes : 0,
      heldMinutes: lot.heldMinutes,
      validFrom: lot.validFrom,
      validTo: lot.validTo,
      status: lot.lapsed ? 'expired' : lot.status,
      upcoming: lot.status === 'active' && lot.validFrom > today,
      reason: lot.status === 'revoked' ? (revoke?.reason ?? null) : null,
      definitionName: lot.definitionName,
      definitionVersion: lot.definitionVersion,
      child,
    }
  }

  /** The history's waiting visits, told as the home page needs them */
  async #waitingVisits(residentId: number): Promise<WaitingVisit[]> {
    const visits = await new ResidentHistory(this.municipalityId, this.locale).waiting(residentId)
    return visits.map((visit) => ({
      id: visit.id,
      pluginId: visit.pluginId,
      programCode: visit.programCode,
      programName: visit.programName,
      service: visit.service,
      serviceName: visit.serviceName,
      visitDate: visit.visitDate,
      visitStart: visit.visitStart,
      minutes: visit.minutes,
      facility: visit.facility,
      provider: visit.provider,
    }))
  }

  async #openApplications(residentId: number): Promise<OpenApplication[]> {
    const rows = await db
      .from('applications')
      .where({
        municipality_id: this.municipalityId,
        resident_id: residentId,
        status: 'submitted',
      })
      .orderBy('created_at')
      .orderBy('id')
      .select('id', 'plugin_id', 'program_code', 'created_at')
    const names = new ProgramNames(this.locale)
    const applications: OpenApplication[] = []
    for (const row of rows) {
      const ref = { pluginId: row.plugin_id, programCode: row.program_code }
      applications.push({
        id: Number(row.id),
        ...ref,
        programName: await names.program(ref),
        submittedAt: new Date(row.created_at).toISOString(),
      })
    }
    return applications
  }
}
