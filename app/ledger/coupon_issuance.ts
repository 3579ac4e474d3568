import { DateTime } from 'luxon'
import db from '@adonisjs/lucid/services/db'
import type { TransactionClientContract } from '@adonisjs/lucid/types/database'
import AuditTrail from '#audit/audit_trail'
import LedgerEngine from '#ledger/ledger_engine'
import LedgerRefusal from '#ledger/ledger_refusal'
import EntitlementCalendar from '#ledger/entitlement_calendar'
import ProgramCatalog, { type ProgramRef } from '#ledger/program_catalog'
import CouponDefinitions from '#ledger/coupon_definitions'
import type { StaffAction } from '#audit/staff_action'
import WindowKey from '#ledger/window_key'
import type {
  CouponDefinition,
  EntitlementWindow,
  ProgramManifest,
} from '#plugin_host/define_plugin'

export type IssueInput = ProgramRef & {
  municipalityId: number
  residentId: number
  /** The child the grant is for, when the program counts per child or birth */
  childId?: number | null
  /** One window; omitted: every window still open (the program's default grant) */
  windowKey?: string | null
  /** Omitted: the window's full amount */
  minutes?: number | null
  copaymentTier?: string | null
  /** Defaults to today in Japan */
  issueDate?: string
}

export type IssuedLot = {
  lotId: number
  windowKey: string
  definitionVersion: string
  minutes: number
  validFrom: string
  validTo: string
}

type ChildRow = {
  id: number
  resident_id: number
  due_date: string | null
  birth_date: string | null
  multiple_birth: boolean | number
}

export function todayInJapan() {
  return DateTime.now().setZone('Asia/Tokyo').toISODate() as string
}

/**
 * Issues grants under a program's rules: the municipality's default coupon
 * definition, windows dated from the child's birth (or due) date or the
 * fiscal year, the window caps, the staff-chosen amount within the
 * window's range, the co-payment tier and child-age eligibility. All lots
 * and the audit event commit together, or nothing does.
 */
export default class CouponIssuance {
  /**
   * `callerTrx`: the caller's transaction, when the grant must commit together
   * with the caller's own change (e.g. an application marked approved); a
   * refusal then rolls the caller's work back too. Without it the grant
   * runs in a transaction of its own.
   */
  static async issue(
    input: IssueInput,
    by: StaffAction,
    callerTrx?: TransactionClientContract
  ): Promise<IssuedLot[]> {
    const { program } = await ProgramCatalog.find(input)
    const issueDate = input.issueDate ?? todayInJapan()
    const work = async (trx: TransactionClientContract) => {
      await ProgramCatalog.assertEnabled(input.municipalityId, input, trx)
      const resident = await trx
        .from('residents')
        .where({ id: input.residentId, municipality_id: input.municipalityId })
        .first()
      if (!resident) throw new LedgerRefusal('resident_not_found')

      const version = await CouponDefinitions.defaultVersion(input.municipalityId, input, trx)
      const definition = ProgramCatalog.definition(program, version)
      const copaymentTier = this.#copaymentTier(program, input.copaymentTier)
      const children = (await trx
        .from('children')
        .where({ resident_id: input.residentId, municipality_id: input.municipalityId })
        .orderBy('id')) as ChildRow[]
      const child = this.#child(definition, children, input.childId)
      this.#checkEligibility(program, children, child, issueDate)

      const anchorChild =
        definition.per === 'birth' && child ? this.#firstOfBirth(child, children) : child
      const birthDate = child ? (child.birth_date ?? child.due_date) : null
      const plans = this.#windows(definition, child, input.windowKey, issueDate, birthDate)

      if (input.minutes && plans.length > 1) throw new LedgerRefusal('window_required')
      const issued: IssuedLot[] = []
      for (const { window, validFrom, validTo } of plans) {
        const minutes = input.minutes ?? window.totalMinutes
        this.#checkAmount(program, window, minutes)
        const windowKey = WindowKey.instance(window.key, validTo, window.to.anchor === 'birth')
        const lotId = await LedgerEngine.grant(
          {
            municipalityId: input.municipalityId,
            residentId: input.residentId,
            pluginId: input.pluginId,
            programCode: input.programCode,
            definitionVersion: version,
            services: window.services ?? program.services.map((service) => service.code),
            windowKey,
            childId: anchorChild?.id ?? null,
            copaymentTier,
            validFrom,
            validTo,
            minutes,
            windowCapMinutes: window.totalMinutes,
            actorUserId: by.actorUserId,
          },
          trx
        )
        issued.push({ lotId, windowKey, definitionVersion: version, minutes, validFrom, validTo })
      }
      await this.#audit(input, by, issued, trx)
      return issued
    }
    return callerTrx ? work(callerTrx) : db.transaction(work)
  }

  static #copaymentTier(program: ProgramManifest, tier: string | null | undefined) {
    if (!program.copayment) return null
    if (!tier) throw new LedgerRefusal('copayment_tier_required')
    if (!program.copayment.tiers.some((candidate) => candidate.code === tier)) {
      throw new LedgerRefusal('unknown_copayment_tier', { tier })
    }
    return tier
  }

  static #child(definition: CouponDefinition, children: ChildRow[], childId?: number | null) {
    if (childId === undefined || childId === null) {
      if (definition.per !== 'resident') throw new LedgerRefusal('child_required')
      return null
    }
    const child = children.find((candidate) => Number(candidate.id) === Number(childId))
    if (!child) throw new LedgerRefusal('child_not_found')
    if (definition.per !== 'resident' && !child.birth_date && !child.due_date) {
      throw new LedgerRefusal('child_dates_missing')
    }
    return child
  }

  /** Twins share one set of windows when the definition counts per birth */
  static #firstOfBirth(child: ChildRow, children: ChildRow[]) {
    if (!child.multiple_birth) return child
    const anchor = child.birth_date ?? child.due_date
    return (
      children.find(
        (candidate) =>
          Boolean(candidate.multiple_birth) &&
          (candidate.birth_date ?? candidate.due_date) === anchor
      ) ?? child
    )
  }

  static #checkEligibility(
    program: ProgramManifest,
    children: ChildRow[],
    child: ChildRow | null,
    issueDate: string
  ) {
    const maxGrade = program.eligibility?.childMaxSchoolGrade
    if (maxGrade === undefined) return
    const candidates = (child ? [child] : children).filter((candidate) => candidate.birth_date)
    if (candidates.length === 0) throw new LedgerRefusal('child_required')
    const youngest = Math.min(
      ...candidates.map((candidate) =>
        EntitlementCalendar.schoolGrade(candidate.birth_date!, issueDate)
      )
    )
    if (youngest > maxGrade) throw new LedgerRefusal('child_too_old', { maxGrade })
  }

  static #windows(
    definition: CouponDefinition,
    child: ChildRow | null,
    windowKey: string | null | undefined,
    issueDate: string,
    birthDate: string | null
  ) {
    const births = child?.multiple_birth ? 'multiple' : 'single'
    const fits = (window: EntitlementWindow) => !window.births || window.births === births
    let windows = definition.windows.filter(fits)
    if (windowKey) {
      const chosen = definition.windows.find((window) => window.key === windowKey)
      if (!chosen) throw new LedgerRefusal('unknown_window', { window: windowKey })
      if (!fits(chosen)) throw new LedgerRefusal('window_not_for_birth', { window: chosen.name })
      windows = [chosen]
    }
    const open = windows
      .map((window) => {
        const on = { issueDate, birthDate }
        const validTo = EntitlementCalendar.resolve(window.to, on)
        const validFrom = EntitlementCalendar.later(
          EntitlementCalendar.resolve(window.from, on),
          issueDate
        )
        return { window, validFrom, validTo }
      })
      .filter(({ validTo }) => validTo >= issueDate)
    if (open.length === 0) throw new LedgerRefusal('windows_over')
    return open
  }

  static #checkAmount(program: ProgramManifest, window: EntitlementWindow, minutes: number) {
    if (!Number.isInteger(minutes) || minutes <= 0) {
      throw new LedgerRefusal('invalid_amount', { minutes })
    }
    if (minutes % program.unit.minutes !== 0) {
      throw new LedgerRefusal('not_whole_units', { unit: program.unit.minutes })
    }
    const minimum = window.minimumMinutes
    if (minimum !== undefined && minutes < minimum) {
      throw new LedgerRefusal('below_minimum', { minimum, maximum: window.totalMinutes })
    }
  }

  static async #audit(
    input: IssueInput,
    by: StaffAction,
    issued: IssuedLot[],
    trx: TransactionClientContract
  ) {
    await AuditTrail.record(
      {
        municipalityId: input.municipalityId,
        action: 'coupon.issued',
        actorUserId: by.actorUserId,
        actorRole: by.actorRole,
        subjectResidentId: input.residentId,
        source: by.source,
        destination: by.destination ?? null,
        details: {
          plugin_id: input.pluginId,
          program_code: input.programCode,
          lot_ids: issued.map((lot) => lot.lotId),
          definition_version: issued[0]?.definitionVersion,
          minutes: issued.reduce((total, lot) => total + lot.minutes, 0),
        },
      },
      trx
    )
  }
}
