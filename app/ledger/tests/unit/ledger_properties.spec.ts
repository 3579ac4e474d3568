import { test } from '@japa/runner'
import type { Assert } from '@japa/assert'
import testUtils from '@adonisjs/core/services/test_utils'
import db from '@adonisjs/lucid/services/db'
import fc from 'fast-check'
import { DateTime, Settings } from 'luxon'
import CouponAdministration from '#ledger/coupon_administration'
import CouponIssuance from '#ledger/coupon_issuance'
import CouponRedemption from '#ledger/coupon_redemption'
import LedgerEngine from '#ledger/ledger_engine'
import LedgerRefusal, { type LedgerRefusalCode } from '#ledger/ledger_refusal'
import LedgerVerifier from '#ledger/ledger_verifier'
import type { StaffAction } from '#audit/staff_action'
import { HOUR, nextKey, residentWithChildren, staffOf } from '#tests/helpers/programs'

/*
|--------------------------------------------------------------------------
| Model-based property test of the hour ledger
|--------------------------------------------------------------------------
|
| fast-check generates sequences of operations (grants, postpartum
| issuance, reservations with fresh or reused idempotency keys, approve /
| reject / cancel on any redemption, expiry with the date moving forward,
| staff revocation of a lot and staff changes of a lot's last valid day,
| reopening expired lots) and applies them through the real services to
| the real database. A small in-memory model predicts every outcome: which
| operations are accepted or refused (and with which code), which lots a
| reservation debits, every lot's balance, status and dates, every
| redemption's status, the journal entries of each kind (count and
| minutes) and how many audit events exist. After every step the database must match
| the model, LedgerVerifier must find nothing, a refusal must have changed
| nothing at all, and redemptions may only move reserved → posted | released
| and posted → cancelled.
|
| Each run works on a new resident (with one child, for issuance) in a
| savepoint of the test's global transaction that is rolled back after the
| run, so runs never see each other's rows. Three profiles: MIXED
| (everything, both the engine and the program paths), DOULA (mostly doula
| visits through the program's rules) and STAFF (revocations and expiry
| changes of lots carrying visits, reopening, caps freed by revocation).
| Staff actions go through LedgerEngine or CouponAdministration (with its
| audit event); "today" for an expiry change is the model's date of the last
| expiry run, passed in or read from a clock set so that Japan is a day ahead
| of UTC.
|
| Reproduce a failure with the seed and path fast-check prints (add
| --tests="<title>" to run only the failing test):
|   LEDGER_PROPS_SEED=<seed> LEDGER_PROPS_PATH=<path> node ace test unit --files=...
| LEDGER_PROPS_RUNS=<n> runs longer; LEDGER_PROPS_TALLY=1 prints how often
| each outcome came up.
*/

const PROGRAM = { pluginId: 'postpartum_support', programCode: 'postpartum' }
const VERSION = '2024-04'
const PRIORITY = ['home_helper', 'doula']
const SERVICES = ['home_helper', 'doula']

/**
 * The postpartum rules the model predicts, written out from the program's
 * description rather than read from its manifest: visits of 1–4 hours
 * between 08:00 and 22:00, one a day; windows counted from the child's
 * birth with their caps; doula hours limited to 30 h in the first window
 * and to the day before the child is 7 months old.
 */
const VISIT = { lengths: [1, 2, 3, 4].map((hours) => hours * HOUR), from: 8 * HOUR, to: 22 * HOUR }
const WINDOWS = {
  until_first_birthday: {
    cap: 128 * HOUR,
    services: ['home_helper', 'doula'],
    fromMonths: null,
    toMonths: 12,
  },
  second_year: { cap: 48 * HOUR, services: ['home_helper'], fromMonths: 12, toMonths: 24 },
  third_year: { cap: 48 * HOUR, services: ['home_helper'], fromMonths: 24, toMonths: 36 },
} as const
type WindowName = keyof typeof WINDOWS
const DOULA_SUB_CAP = 30 * HOUR
const DOULA_UNTIL_MONTHS = 7

/** An id no redemption has: approving it is refused, through the program it is "not found" */
const MISSING_REDEMPTION = 2_000_000_000
/** An id no lot has, and a municipality no lot belongs to */
const MISSING_LOT = 2_000_000_000
const MISSING_MUNICIPALITY = 2_000_000_000

const EPOCH = DateTime.fromISO('2026-01-01', { zone: 'utc' })

function day(offset: number) {
  return EPOCH.plus({ days: offset }).toISODate() as string
}

/** Months first, then days: "the day before the first birthday" is +12 months −1 day */
function fromBirth(birthDate: string, months: number, days = 0) {
  return DateTime.fromISO(birthDate, { zone: 'utc' })
    .plus({ months })
    .plus({ days })
    .toISODate() as string
}

function minutesOfDay(time: string) {
  const [hours, minutes] = time.split(':').map(Number)
  return hours * 60 + minutes
}

function isWholePositive(minutes: number) {
  return Number.isInteger(minutes) && minutes > 0
}

/*
| Operations
*/

/**
 * A visit date: inside the validity of an earlier lot (most reservations
 * should find one), the date of an earlier request (one visit a day), or
 * any day.
 */
type DatePick = { inLot: number; day: number } | { sameDayAs: number } | { on: number }

type GrantOp = {
  kind: 'grant'
  minutes: number
  services: string[]
  from: number
  days: number
  window: { key: string; capHours: number } | null
}
/** afterBirth: the issue date, in days after the child's birth date (negative: before) */
type IssueOp = { kind: 'issue'; window: WindowName; minutes: number; afterBirth: number }
type ReserveOp = {
  kind: 'reserve'
  via: 'engine' | 'program'
  service: string
  minutes: number
  date: DatePick
  start: string
  /** A fresh key, or the key of an earlier attempt with its request or with this one */
  key: { reuse: false } | { reuse: true; index: number; sameRequest: boolean }
}
type ResolveOp = {
  kind: 'approve' | 'reject' | 'cancel'
  via: 'engine' | 'program'
  /**
   * Which redemption: one in the state the action needs (when there is
   * one), one of those with minutes on a lot revoked or expired since
   * (when there is one), any so far (often in the wrong state), or one
   * that does not exist
   */
  target: { pick: 'fitting' | 'onLapsedLot' | 'any'; index: number } | { pick: 'missing' }
}
/**
 * The expiry run's date moves forward: by some days, or to the last valid
 * day of an earlier lot or the day after it (the boundary), or past the
 * end of an active lot carrying visits
 */
type ExpireOp = {
  kind: 'expire'
  to: { advance: number } | { lotEnd: number; dayAfter: boolean } | { busyLotEnd: number }
}
/**
 * Which lot a staff action is for: one that fits the action (active to
 * revoke, expired to reopen), one carrying reserved or approved visits,
 * any so far, one that does not exist, or a real one asked for by another
 * municipality.
 */
type LotPick = { pick: 'fitting' | 'busy' | 'any'; index: number } | { pick: 'missing' | 'foreign' }
/** Staff reasons: a real one (maybe with spaces around it) or a blank one */
type ReasonPick = string
type RevokeOp = { kind: 'revoke'; via: 'engine' | 'program'; target: LotPick; reason: ReasonPick }
/**
 * The new last valid day: from "today", from the lot's current last day,
 * around the latest visit held or spent on the lot, the day before the
 * lot's first day, the same day, or not a date at all.
 */
type ExpiryPick =
  | { fromToday: number }
  | { fromValidTo: number }
  | { lastVisit: number }
  | { beforeStart: true }
  | { same: true }
  | { invalid: string }
type ChangeExpiryOp = {
  kind: 'changeExpiry'
  via: 'engine' | 'program'
  target: LotPick
  to: ExpiryPick
  reason: ReasonPick
  /**
   * "option": today is passed in (the model's today); "japan": the engine
   * reads the clock, set to 15:30 UTC on the model's today, which is
   * already the next day in Japan.
   */
  clock: 'option' | 'japan'
}
type Op = GrantOp | IssueOp | ReserveOp | ResolveOp | ExpireOp | RevokeOp | ChangeExpiryOp

/** How often each kind of operation and value comes up */
type Profile = {
  /** How many grants or issues open a sequence */
  opening: { minLength: number; maxLength: number }
  ops: Record<
    'grant' | 'issue' | 'reserve' | 'resolve' | 'expire' | 'revoke' | 'changeExpiry',
    number
  >
  issueHours: { min: number; max: number }
  windows: WindowName[]
  doulaWeight: number
  programWeight: number
  /** Issue dates, in days after the child's birth date */
  issueAfterBirth: { min: number; max: number }
  visitHours: { min: number; max: number }
  /** Weights of the visit starts 09:00, 20:00 (too late for long visits) and 07:00 (too early) */
  starts: [number, number, number]
  /** Weight of reusing an earlier idempotency key, against 3 for a fresh one */
  reuseWeight: number
  /** The most days one expiry run moves the date forward */
  expireAdvance: number
  /** Weight of expiring an active lot carrying visits, against 2 + 2 for the other dates */
  expireBusyLotWeight: number
  /** Weight of resolving a visit held on a lot revoked or expired since, against 6 + 6 */
  onLapsedLotWeight: number
  /** Weights of approve, reject and cancel */
  resolutions: [number, number, number]
  maxOps: number
}

/** Everything at once: engine and program paths, all windows, both services */
const MIXED: Profile = {
  opening: { minLength: 1, maxLength: 3 },
  ops: { grant: 3, issue: 2, reserve: 6, resolve: 6, expire: 2, revoke: 1, changeExpiry: 2 },
  issueHours: { min: 1, max: 60 },
  windows: ['until_first_birthday', 'second_year', 'third_year'],
  doulaWeight: 1,
  programWeight: 1,
  issueAfterBirth: { min: -365, max: 700 },
  visitHours: { min: 1, max: 5 },
  starts: [6, 2, 1],
  reuseWeight: 2,
  expireAdvance: 400,
  expireBusyLotWeight: 1,
  onLapsedLotWeight: 2,
  resolutions: [3, 2, 4],
  maxOps: 30,
}

/**
 * Mostly doula visits through the program against the first window:
 * reaches the one-visit-a-day rule, the doula sub-cap and the doula period.
 */
const DOULA: Profile = {
  opening: { minLength: 1, maxLength: 3 },
  ops: { grant: 1, issue: 2, reserve: 10, resolve: 4, expire: 1, revoke: 1, changeExpiry: 1 },
  issueHours: { min: 10, max: 60 },
  windows: ['until_first_birthday', 'until_first_birthday', 'second_year'],
  doulaWeight: 4,
  programWeight: 1,
  issueAfterBirth: { min: -120, max: 180 },
  visitHours: { min: 2, max: 4 },
  starts: [12, 1, 1],
  reuseWeight: 1,
  expireAdvance: 400,
  expireBusyLotWeight: 1,
  onLapsedLotWeight: 1,
  resolutions: [3, 2, 4],
  maxOps: 40,
}

/**
 * Staff actions on lots carrying visits: revocations with visits pending
 * or approved and then released or cancelled, expiry changes around the
 * visits' dates, expiry and reopening, issues and grants filling a
 * window's cap before and after a revocation.
 */
const STAFF: Profile = {
  opening: { minLength: 2, maxLength: 4 },
  ops: { grant: 2, issue: 3, reserve: 8, resolve: 6, expire: 2, revoke: 2, changeExpiry: 4 },
  issueHours: { min: 10, max: 70 },
  windows: ['until_first_birthday', 'until_first_birthday', 'second_year'],
  doulaWeight: 1,
  programWeight: 1,
  issueAfterBirth: { min: -60, max: 300 },
  visitHours: { min: 1, max: 4 },
  starts: [12, 1, 1],
  reuseWeight: 1,
  expireAdvance: 90,
  expireBusyLotWeight: 4,
  onLapsedLotWeight: 8,
  resolutions: [2, 3, 3],
  maxOps: 30,
}

const invalidMinutes = fc.constantFrom(0, -HOUR, 30.5)

function grantOp(): fc.Arbitrary<GrantOp> {
  return fc.record({
    kind: fc.constant('grant' as const),
    minutes: fc.oneof(
      { weight: 9, arbitrary: fc.integer({ min: 1, max: 12 }).map((hours) => hours * HOUR) },
      { weight: 1, arbitrary: invalidMinutes }
    ),
    services: fc.subarray(SERVICES, { minLength: 1 }),
    from: fc.integer({ min: 0, max: 400 }),
    days: fc.integer({ min: 0, max: 500 }),
    window: fc.option(
      fc.record({ key: fc.constantFrom('w1', 'w2'), capHours: fc.integer({ min: 4, max: 24 }) }),
      { nil: null, freq: 3 }
    ),
  })
}

function issueOp(profile: Profile): fc.Arbitrary<IssueOp> {
  return fc.record({
    kind: fc.constant('issue' as const),
    window: fc.constantFrom(...profile.windows),
    minutes: fc.oneof(
      {
        weight: 9,
        arbitrary: fc.integer(profile.issueHours).map((hours) => hours * HOUR),
      },
      { weight: 1, arbitrary: fc.constantFrom(0, 90) }
    ),
    afterBirth: fc.integer(profile.issueAfterBirth),
  })
}

function reserveOp(profile: Profile): fc.Arbitrary<ReserveOp> {
  return fc.record({
    kind: fc.constant('reserve' as const),
    via: fc.oneof(
      { weight: 1, arbitrary: fc.constant('engine' as const) },
      { weight: profile.programWeight, arbitrary: fc.constant('program' as const) }
    ),
    service: fc.oneof(
      { weight: 1, arbitrary: fc.constant('home_helper') },
      { weight: profile.doulaWeight, arbitrary: fc.constant('doula') }
    ),
    minutes: fc.oneof(
      { weight: 9, arbitrary: fc.integer(profile.visitHours).map((hours) => hours * HOUR) },
      { weight: 1, arbitrary: fc.constantFrom(0, 90, 5 * HOUR) }
    ),
    date: fc.oneof(
      { weight: 6, arbitrary: fc.record({ inLot: fc.nat(30), day: fc.nat(500) }) },
      { weight: 2, arbitrary: fc.record({ sameDayAs: fc.nat(30) }) },
      { weight: 1, arbitrary: fc.record({ on: fc.integer({ min: 0, max: 900 }) }) }
    ),
    start: fc.oneof(
      { weight: profile.starts[0], arbitrary: fc.constant('09:00') },
      { weight: profile.starts[1], arbitrary: fc.constant('20:00') },
      { weight: profile.starts[2], arbitrary: fc.constant('07:00') }
    ),
    key: fc.oneof(
      { weight: 3, arbitrary: fc.constant({ reuse: false as const }) },
      {
        weight: profile.reuseWeight,
        arbitrary: fc.record({
          reuse: fc.constant(true as const),
          index: fc.nat(30),
          sameRequest: fc.boolean(),
        }),
      }
    ),
  })
}

function resolveOp(profile: Profile): fc.Arbitrary<ResolveOp> {
  return fc.record({
    kind: fc.oneof(
      { weight: profile.resolutions[0], arbitrary: fc.constant('approve' as const) },
      { weight: profile.resolutions[1], arbitrary: fc.constant('reject' as const) },
      { weight: profile.resolutions[2], arbitrary: fc.constant('cancel' as const) }
    ),
    via: fc.constantFrom('engine' as const, 'program' as const),
    target: fc.oneof(
      {
        weight: 6,
        arbitrary: fc.record({ pick: fc.constant('fitting' as const), index: fc.nat(30) }),
      },
      {
        weight: profile.onLapsedLotWeight,
        arbitrary: fc.record({ pick: fc.constant('onLapsedLot' as const), index: fc.nat(30) }),
      },
      {
        weight: 6,
        arbitrary: fc.record({ pick: fc.constant('any' as const), index: fc.nat(30) }),
      },
      { weight: 1, arbitrary: fc.constant({ pick: 'missing' as const }) }
    ),
  })
}

function expireOp(profile: Profile): fc.Arbitrary<ExpireOp> {
  return fc.record({
    kind: fc.constant('expire' as const),
    to: fc.oneof(
      {
        weight: 2,
        arbitrary: fc.record({ advance: fc.integer({ min: 0, max: profile.expireAdvance }) }),
      },
      { weight: 2, arbitrary: fc.record({ lotEnd: fc.nat(30), dayAfter: fc.boolean() }) },
      { weight: profile.expireBusyLotWeight, arbitrary: fc.record({ busyLotEnd: fc.nat(30) }) }
    ),
  })
}

function lotPick(): fc.Arbitrary<LotPick> {
  const index = fc.nat(30)
  return fc.oneof(
    { weight: 5, arbitrary: fc.record({ pick: fc.constant('fitting' as const), index }) },
    { weight: 5, arbitrary: fc.record({ pick: fc.constant('busy' as const), index }) },
    { weight: 2, arbitrary: fc.record({ pick: fc.constant('any' as const), index }) },
    {
      weight: 1,
      arbitrary: fc.record({ pick: fc.constantFrom('missing' as const, 'foreign' as const) }),
    }
  )
}

function reasonPick(): fc.Arbitrary<ReasonPick> {
  return fc.oneof(
    { weight: 12, arbitrary: fc.constantFrom('誤発行', '  転出のため  ', 'property test') },
    { weight: 1, arbitrary: fc.constantFrom('', '  ') }
  )
}

function revokeOp(): fc.Arbitrary<RevokeOp> {
  return fc.record({
    kind: fc.constant('revoke' as const),
    via: fc.constantFrom('engine' as const, 'program' as const),
    target: lotPick(),
    reason: reasonPick(),
  })
}

function changeExpiryOp(): fc.Arbitrary<ChangeExpiryOp> {
  return fc.record({
    kind: fc.constant('changeExpiry' as const),
    via: fc.constantFrom('engine' as const, 'program' as const),
    target: lotPick(),
    to: fc.oneof(
      { weight: 5, arbitrary: fc.record({ fromToday: fc.integer({ min: -2, max: 240 }) }) },
      { weight: 4, arbitrary: fc.record({ fromValidTo: fc.integer({ min: -90, max: 240 }) }) },
      { weight: 4, arbitrary: fc.record({ lastVisit: fc.integer({ min: -2, max: 1 }) }) },
      { weight: 1, arbitrary: fc.constant({ beforeStart: true as const }) },
      { weight: 1, arbitrary: fc.constant({ same: true as const }) },
      { weight: 1, arbitrary: fc.record({ invalid: fc.constantFrom('2026-02-30', '31/12/2026') }) }
    ),
    reason: reasonPick(),
    clock: fc.oneof(
      { weight: 3, arbitrary: fc.constant('option' as const) },
      { weight: 1, arbitrary: fc.constant('japan' as const) }
    ),
  })
}

/** A few grants or issues to start with, then anything */
function operations(profile: Profile): fc.Arbitrary<Op[]> {
  const opening = fc.array(
    fc.oneof(
      { weight: profile.ops.grant, arbitrary: grantOp() },
      { weight: profile.ops.issue, arbitrary: issueOp(profile) }
    ),
    profile.opening
  )
  const rest = fc.array(
    fc.oneof(
      { weight: profile.ops.grant, arbitrary: grantOp() },
      { weight: profile.ops.issue, arbitrary: issueOp(profile) },
      { weight: profile.ops.reserve, arbitrary: reserveOp(profile) },
      { weight: profile.ops.resolve, arbitrary: resolveOp(profile) },
      { weight: profile.ops.expire, arbitrary: expireOp(profile) },
      { weight: profile.ops.revoke, arbitrary: revokeOp() },
      { weight: profile.ops.changeExpiry, arbitrary: changeExpiryOp() }
    ),
    { maxLength: profile.maxOps, size: 'max' }
  )
  return fc.tuple(opening, rest).map(([first, then]) => [...first, ...then])
}

/*
| The model
*/

type Status = 'reserved' | 'posted' | 'released' | 'cancelled'
type Request = { service: string; visitDate: string; visitStart: string; minutes: number }

type ModelLot = {
  id: number
  services: string[]
  windowKey: string | null
  childId: number | null
  validFrom: string
  validTo: string
  granted: number
  available: number
  status: 'active' | 'expired' | 'revoked'
  /** Minutes that lapsed on expiry and were not yet given back by a reopening */
  lapsed: number
  /** Minutes revocation took back (then and from visits released or cancelled later) */
  takenBack: number
}

type ModelRedemption = {
  id: number
  key: string
  request: Request
  status: Status
  /** The staff's reason, stored on rejection and cancellation */
  reason: string | null
  resolved: boolean
  takes: { lotId: number; minutes: number }[]
}

type EntryKind =
  'grant' | 'reserve' | 'redeem' | 'release' | 'cancel' | 'expire' | 'revoke' | 'adjust'
/** Journal entries of one kind: how many, and their minutes */
type Journal = Partial<Record<EntryKind, { count: number; minutes: number }>>

type Model = {
  lots: ModelLot[]
  redemptions: ModelRedemption[]
  attempts: { key: string; request: Request }[]
  /** The date of the last expiry run */
  today: string
  journal: Journal
  audits: number
}

function journalize(model: Model, kind: EntryKind, minutes: number) {
  const totals = (model.journal[kind] ??= { count: 0, minutes: 0 })
  totals.count += 1
  totals.minutes += minutes
}

type Context = {
  assert: Assert
  municipalityId: number
  residentId: number
  childId: number
  birthDate: string
  by: StaffAction
}

const ALLOWED_TRANSITIONS: Record<string, string[]> = {
  reserved: ['posted', 'released'],
  posted: ['cancelled'],
}

function maxId(rows: { id: number }[]) {
  return rows.reduce((max, row) => Math.max(max, row.id), 0)
}

/** What a window holds against its cap: a revoked lot less what revocation took back */
function grantedIn(model: Model, windowKey: string, childId: number | null) {
  return model.lots
    .filter((lot) => lot.windowKey === windowKey && lot.childId === childId)
    .reduce((total, lot) => total + lot.granted - lot.takenBack, 0)
}

function takenBackIn(model: Model, windowKey: string, childId: number | null) {
  return model.lots
    .filter((lot) => lot.windowKey === windowKey && lot.childId === childId)
    .reduce((total, lot) => total + lot.takenBack, 0)
}

/** Reserved or approved visits with minutes on the lot */
function visitsOn(model: Model, lot: ModelLot, statuses: Status[] = ['reserved', 'posted']) {
  return model.redemptions.filter(
    (redemption) =>
      statuses.includes(redemption.status) && redemption.takes.some((take) => take.lotId === lot.id)
  )
}

function plusDays(date: string, days: number) {
  return DateTime.fromISO(date, { zone: 'utc' }).plus({ days }).toISODate() as string
}

function sameRequest(a: Request, b: Request) {
  return (
    a.service === b.service &&
    a.visitDate === b.visitDate &&
    a.visitStart === b.visitStart &&
    a.minutes === b.minutes
  )
}

/** Deduction order: helper-only lots first, then earliest expiry, then oldest */
function deductionOrder(lots: ModelLot[]) {
  const rank = (lot: ModelLot) =>
    Math.max(...lot.services.map((service) => PRIORITY.indexOf(service)))
  return [...lots].sort(
    (a, b) =>
      rank(a) - rank(b) ||
      (a.validTo < b.validTo ? -1 : a.validTo > b.validTo ? 1 : 0) ||
      a.id - b.id
  )
}

/**
 * Doula minutes held or spent on the lots of this lot's window (the
 * window's sub-cap counts them all), plus what a planned debit adds.
 */
function doulaUsed(model: Model, lot: ModelLot, planned: ModelRedemption['takes'] = []) {
  const windowLots = new Set(
    model.lots
      .filter((other) => other.windowKey === lot.windowKey && other.childId === lot.childId)
      .map((other) => other.id)
  )
  return model.redemptions
    .filter(
      (redemption) =>
        ['reserved', 'posted'].includes(redemption.status) && redemption.request.service === 'doula'
    )
    .flatMap((redemption) => redemption.takes)
    .concat(planned)
    .filter((take) => windowLots.has(take.lotId))
    .reduce((total, take) => total + take.minutes, 0)
}

type LotLimit = { minutes: number; pool?: string; refusal?: LedgerRefusalCode }

/** What one lot may pay under the postpartum rules (reservations through the program) */
function programLimit(ctx: Context, model: Model, lot: ModelLot, request: Request): LotLimit {
  const unlimited = { minutes: lot.available }
  if (request.service !== 'doula' || lot.childId === null) return unlimited
  if (request.visitDate > fromBirth(ctx.birthDate, DOULA_UNTIL_MONTHS, -1)) {
    return { minutes: 0, refusal: 'service_period_over' }
  }
  if (lot.windowKey !== 'until_first_birthday') return unlimited
  return {
    minutes: Math.max(0, DOULA_SUB_CAP - doulaUsed(model, lot)),
    pool: `${lot.windowKey}/${lot.childId}`,
    refusal: 'sub_cap_reached',
  }
}

type ReservePrediction =
  | { refused: LedgerRefusalCode; values?: Record<string, number> }
  | { replayOf: number }
  | { takes: { lotId: number; minutes: number }[] }

function predictReserve(
  ctx: Context,
  model: Model,
  key: string,
  request: Request,
  via: ReserveOp['via']
): ReservePrediction {
  if (via === 'program') {
    if (!VISIT.lengths.includes(request.minutes)) return { refused: 'visit_length_not_allowed' }
    const start = minutesOfDay(request.visitStart)
    if (start < VISIT.from || start + request.minutes > VISIT.to) {
      return { refused: 'outside_hours' }
    }
  }
  if (!isWholePositive(request.minutes)) return { refused: 'invalid_amount' }

  const existing = model.redemptions.find((redemption) => redemption.key === key)
  if (existing) {
    return sameRequest(existing.request, request)
      ? { replayOf: existing.id }
      : { refused: 'idempotency_conflict' }
  }

  const candidates = deductionOrder(
    model.lots.filter(
      (lot) =>
        lot.status === 'active' &&
        lot.validFrom <= request.visitDate &&
        lot.validTo >= request.visitDate &&
        lot.services.includes(request.service)
    )
  )
  if (candidates.length === 0) return { refused: 'no_valid_lot' }
  if (
    via === 'program' &&
    model.redemptions.some(
      (redemption) =>
        redemption.request.visitDate === request.visitDate &&
        ['reserved', 'posted'].includes(redemption.status)
    )
  ) {
    return { refused: 'daily_visits_reached' }
  }

  const takes: { lotId: number; minutes: number }[] = []
  const poolLeft = new Map<string, number>()
  let limitedBy: LedgerRefusalCode | undefined
  let remaining = request.minutes
  for (const lot of candidates) {
    const limit: LotLimit =
      via === 'program' ? programLimit(ctx, model, lot, request) : { minutes: lot.available }
    if (limit.pool && !poolLeft.has(limit.pool)) poolLeft.set(limit.pool, limit.minutes)
    const allowed = limit.pool ? (poolLeft.get(limit.pool) ?? 0) : limit.minutes
    const spendable = Math.max(0, Math.min(lot.available, allowed))
    if (spendable < lot.available) limitedBy ??= limit.refusal
    const take = Math.min(remaining, spendable)
    if (take === 0) continue
    takes.push({ lotId: lot.id, minutes: take })
    remaining -= take
    if (limit.pool) poolLeft.set(limit.pool, allowed - take)
  }
  if (remaining > 0) {
    const balance = candidates.reduce((total, lot) => total + lot.available, 0)
    if (limitedBy && balance >= request.minutes) return { refused: limitedBy }
    return {
      refused: 'not_enough_minutes',
      values: { available: request.minutes - remaining, requested: request.minutes },
    }
  }
  return { takes }
}

/*
| Running operations against the real services
*/

type Attempt<T> = { value: T } | { refusal: LedgerRefusal }

async function attempt<T>(work: () => Promise<T>): Promise<Attempt<T>> {
  try {
    const value = await work()
    return { value }
  } catch (error) {
    if (error instanceof LedgerRefusal) return { refusal: error }
    throw error
  }
}

/** What a step did, for the invariants and the coverage tally */
type Outcome = { changed: boolean; label: string }

function expectRefused<T>(
  ctx: Context,
  result: Attempt<T>,
  code: LedgerRefusalCode,
  values?: Record<string, number | string>
): Outcome {
  if (!('refusal' in result)) {
    ctx.assert.fail(`expected refusal "${code}", but it was accepted: ${JSON.stringify(result)}`)
    throw new Error('unreachable')
  }
  ctx.assert.equal(result.refusal.code, code, `refused for the wrong reason: ${result.refusal}`)
  if (values) ctx.assert.deepEqual(result.refusal.values, values)
  return { changed: false, label: `refused:${code}` }
}

function expectAccepted<T>(ctx: Context, result: Attempt<T>): T {
  if ('refusal' in result) {
    ctx.assert.fail(`expected acceptance, but refused: ${result.refusal.message}`)
    throw new Error('unreachable')
  }
  return result.value
}

async function grant(ctx: Context, model: Model, op: GrantOp): Promise<Outcome> {
  const validFrom = day(op.from)
  const validTo = day(op.from + op.days)
  const result = await attempt(() =>
    LedgerEngine.grant({
      municipalityId: ctx.municipalityId,
      residentId: ctx.residentId,
      ...PROGRAM,
      definitionVersion: VERSION,
      services: op.services,
      windowKey: op.window?.key ?? null,
      windowCapMinutes: op.window ? op.window.capHours * HOUR : null,
      validFrom,
      validTo,
      minutes: op.minutes,
    })
  )
  if (!isWholePositive(op.minutes)) return expectRefused(ctx, result, 'invalid_amount')
  let freedByRevoke = false
  if (op.window) {
    const already = grantedIn(model, op.window.key, null)
    const cap = op.window.capHours * HOUR
    if (already + op.minutes > cap) {
      return expectRefused(ctx, result, 'cap_exceeded', { cap, already, requested: op.minutes })
    }
    freedByRevoke = already + op.minutes + takenBackIn(model, op.window.key, null) > cap
  }
  const lotId = expectAccepted(ctx, result)
  ctx.assert.isAbove(lotId, maxId(model.lots))
  model.lots.push({
    id: lotId,
    services: op.services,
    windowKey: op.window?.key ?? null,
    childId: null,
    validFrom,
    validTo,
    granted: op.minutes,
    available: op.minutes,
    status: 'active',
    lapsed: 0,
    takenBack: 0,
  })
  journalize(model, 'grant', op.minutes)
  // Accepted only because a revocation gave minutes of the window back
  return { changed: true, label: freedByRevoke ? 'grant:freed_by_revoke' : 'grant' }
}

async function issue(ctx: Context, model: Model, op: IssueOp): Promise<Outcome> {
  const issueDate = fromBirth(ctx.birthDate, 0, op.afterBirth)
  const result = await attempt(() =>
    CouponIssuance.issue(
      {
        ...PROGRAM,
        municipalityId: ctx.municipalityId,
        residentId: ctx.residentId,
        childId: ctx.childId,
        windowKey: op.window,
        minutes: op.minutes,
        issueDate,
      },
      ctx.by
    )
  )
  const window = WINDOWS[op.window]
  const validTo = fromBirth(ctx.birthDate, window.toMonths, -1)
  const opensOn =
    window.fromMonths === null ? issueDate : fromBirth(ctx.birthDate, window.fromMonths)
  const validFrom = opensOn > issueDate ? opensOn : issueDate
  if (validTo < issueDate) return expectRefused(ctx, result, 'windows_over')
  if (!isWholePositive(op.minutes)) return expectRefused(ctx, result, 'invalid_amount')
  if (op.minutes % HOUR !== 0) return expectRefused(ctx, result, 'not_whole_units')
  const already = grantedIn(model, op.window, ctx.childId)
  if (already + op.minutes > window.cap) {
    return expectRefused(ctx, result, 'cap_exceeded', {
      cap: window.cap,
      already,
      requested: op.minutes,
    })
  }
  const freedByRevoke =
    already + op.minutes + takenBackIn(model, op.window, ctx.childId) > window.cap
  const issued = expectAccepted(ctx, result)
  ctx.assert.lengthOf(issued, 1)
  const [lot] = issued
  ctx.assert.isAbove(lot.lotId, maxId(model.lots))
  ctx.assert.deepEqual(lot, {
    lotId: lot.lotId,
    windowKey: op.window,
    definitionVersion: VERSION,
    minutes: op.minutes,
    validFrom,
    validTo,
  })
  model.lots.push({
    id: lot.lotId,
    services: [...window.services],
    windowKey: op.window,
    childId: ctx.childId,
    validFrom,
    validTo,
    granted: op.minutes,
    available: op.minutes,
    status: 'active',
    lapsed: 0,
    takenBack: 0,
  })
  journalize(model, 'grant', op.minutes)
  model.audits += 1
  return {
    changed: true,
    label: freedByRevoke ? 'issue:freed_by_revoke' : `issue:${op.window}`,
  }
}

function visitDate(model: Model, service: string, pick: DatePick) {
  const usable = model.lots.filter(
    (lot) => lot.status === 'active' && lot.services.includes(service)
  )
  const lots = usable.length > 0 ? usable : model.lots
  if ('inLot' in pick && lots.length > 0) {
    const lot = lots[pick.inLot % lots.length]
    const from = DateTime.fromISO(lot.validFrom, { zone: 'utc' })
    const span = DateTime.fromISO(lot.validTo, { zone: 'utc' }).diff(from, 'days').days
    return from.plus({ days: pick.day % (span + 1) }).toISODate() as string
  }
  if ('sameDayAs' in pick && model.attempts.length > 0) {
    return model.attempts[pick.sameDayAs % model.attempts.length].request.visitDate
  }
  return day('on' in pick ? pick.on : 'day' in pick ? pick.day : pick.sameDayAs)
}

async function reserve(ctx: Context, model: Model, op: ReserveOp): Promise<Outcome> {
  let key = nextKey()
  let request: Request = {
    service: op.service,
    visitDate: visitDate(model, op.service, op.date),
    visitStart: op.start,
    minutes: op.minutes,
  }
  if (op.key.reuse && model.attempts.length > 0) {
    const earlier = model.attempts[op.key.index % model.attempts.length]
    key = earlier.key
    if (op.key.sameRequest) request = earlier.request
  }
  const prediction = predictReserve(ctx, model, key, request, op.via)
  if (op.via === 'engine' && 'takes' in prediction && request.service === 'doula') {
    // The engine alone does not apply the program's rules: that is the
    // program's job. Past the doula sub-cap of an issued window the
    // verifier rightly reports corruption, so such a call is not a valid
    // step (a precondition, as in fc.commands' check()).
    const firstWindow = model.lots.find((lot) => lot.windowKey === 'until_first_birthday')
    if (firstWindow && doulaUsed(model, firstWindow, prediction.takes) > DOULA_SUB_CAP) {
      return { changed: false, label: 'skipped:engine_past_sub_cap' }
    }
  }
  model.attempts.push({ key, request })

  const result = await attempt(() =>
    op.via === 'engine'
      ? LedgerEngine.reserve({
          municipalityId: ctx.municipalityId,
          residentId: ctx.residentId,
          ...PROGRAM,
          ...request,
          idempotencyKey: key,
          deductionPriority: PRIORITY,
        })
      : CouponRedemption.reserve(
          {
            ...PROGRAM,
            municipalityId: ctx.municipalityId,
            residentId: ctx.residentId,
            ...request,
            idempotencyKey: key,
          },
          ctx.by
        )
  )
  if ('refused' in prediction) {
    return expectRefused(ctx, result, prediction.refused, prediction.values)
  }
  const reserved = expectAccepted(ctx, result)
  if ('replayOf' in prediction) {
    ctx.assert.deepEqual(reserved, { redemptionId: prediction.replayOf, replayed: true })
    return { changed: false, label: 'reserve:replay' }
  }
  ctx.assert.isFalse(reserved.replayed)
  ctx.assert.isAbove(reserved.redemptionId, maxId(model.redemptions))
  model.redemptions.push({
    id: reserved.redemptionId,
    key,
    request,
    status: 'reserved',
    reason: null,
    resolved: false,
    takes: prediction.takes,
  })
  for (const take of prediction.takes) {
    model.lots.find((lot) => lot.id === take.lotId)!.available -= take.minutes
    journalize(model, 'reserve', take.minutes)
  }
  if (op.via === 'program') model.audits += 1
  return {
    changed: true,
    label: prediction.takes.length > 1 ? 'reserve:several_lots' : 'reserve',
  }
}

async function resolve(ctx: Context, model: Model, op: ResolveOp): Promise<Outcome> {
  const from: Status = op.kind === 'cancel' ? 'posted' : 'reserved'
  const to: Status = { approve: 'posted', reject: 'released', cancel: 'cancelled' }[
    op.kind
  ] as Status
  const fitting = model.redemptions.filter((redemption) => redemption.status === from)
  const onLapsedLot = fitting.filter((redemption) =>
    redemption.takes.some(
      (take) => model.lots.find((lot) => lot.id === take.lotId)!.status !== 'active'
    )
  )
  const among =
    op.target.pick === 'onLapsedLot' && onLapsedLot.length > 0
      ? onLapsedLot
      : ['fitting', 'onLapsedLot'].includes(op.target.pick) && fitting.length > 0
        ? fitting
        : model.redemptions
  const target =
    op.target.pick === 'missing' || among.length === 0
      ? null
      : among[op.target.index % among.length]
  const id = target?.id ?? MISSING_REDEMPTION
  const reason = `property test: ${op.kind}`
  const result = await attempt(async () => {
    if (op.via === 'engine') {
      if (op.kind === 'approve') return LedgerEngine.post(id, null)
      if (op.kind === 'reject') return LedgerEngine.release(id, null, reason)
      return LedgerEngine.cancel(id, null, reason)
    }
    if (op.kind === 'approve') return CouponRedemption.approve(ctx.municipalityId, id, ctx.by)
    if (op.kind === 'reject') return CouponRedemption.reject(ctx.municipalityId, id, reason, ctx.by)
    return CouponRedemption.cancel(ctx.municipalityId, id, reason, ctx.by)
  })

  if (!target && op.via === 'program') {
    // Through the program an unknown redemption is "not found", not a refusal.
    ctx.assert.isFalse(expectAccepted(ctx, result))
    return { changed: false, label: `${op.kind}:not_found` }
  }
  if (!target || target.status !== from) {
    return expectRefused(ctx, result, from === 'reserved' ? 'not_reserved' : 'not_posted')
  }
  const value = expectAccepted(ctx, result)
  // The program answers true; the engine answers the redemption as changed.
  if (op.via === 'program') ctx.assert.isTrue(value)
  else ctx.assert.include(value, { id, status: to })
  target.status = to
  target.reason = op.kind === 'approve' ? null : reason
  target.resolved = true
  const kind: EntryKind = { approve: 'redeem', reject: 'release', cancel: 'cancel' }[
    op.kind
  ] as EntryKind
  let into = ''
  for (const take of target.takes) {
    journalize(model, kind, take.minutes)
    if (op.kind === 'approve') continue
    // The minutes go back to the lots they came from; on a lot that has
    // expired meanwhile they lapse at once (a second, expire entry), on a
    // revoked lot revocation takes them (a second, revoke entry).
    const lot = model.lots.find((candidate) => candidate.id === take.lotId)!
    if (lot.status === 'expired') {
      into ||= ':into_expired_lot'
      journalize(model, 'expire', take.minutes)
      lot.lapsed += take.minutes
    } else if (lot.status === 'revoked') {
      into = ':into_revoked_lot'
      journalize(model, 'revoke', take.minutes)
      lot.takenBack += take.minutes
    } else {
      lot.available += take.minutes
    }
  }
  if (op.via === 'program') model.audits += 1
  return { changed: true, label: `${op.kind}${into}` }
}

async function expire(ctx: Context, model: Model, op: ExpireOp): Promise<Outcome> {
  const busy = model.lots.filter(
    (lot) => lot.status === 'active' && visitsOn(model, lot).length > 0
  )
  const ending =
    'lotEnd' in op.to
      ? model.lots[op.to.lotEnd % model.lots.length]
      : 'busyLotEnd' in op.to
        ? (busy.length > 0 ? busy : model.lots)[
            op.to.busyLotEnd % Math.max(1, busy.length || model.lots.length)
          ]
        : undefined
  const target = ending
    ? plusDays(ending.validTo, 'lotEnd' in op.to && !op.to.dayAfter ? 0 : 1)
    : plusDays(model.today, 'advance' in op.to ? op.to.advance : 0)
  const today = target > model.today ? target : model.today
  model.today = today
  const activeBefore = await countOf(db.from('ledger_lots').where('status', 'active'))
  const expired = await LedgerEngine.expireLapsed(today)
  const activeAfter = await countOf(db.from('ledger_lots').where('status', 'active'))
  // Expiry runs for every resident: it reports every lot it expired.
  ctx.assert.equal(expired, activeBefore - activeAfter)
  let mine = 0
  for (const lot of model.lots) {
    if (lot.status !== 'active' || lot.validTo >= today) continue
    if (lot.available > 0) journalize(model, 'expire', lot.available)
    lot.lapsed += lot.available
    lot.status = 'expired'
    lot.available = 0
    mine++
  }
  ctx.assert.isAtLeast(expired, mine)
  return { changed: mine > 0, label: mine > 0 ? 'expire' : 'expire:nothing' }
}

/**
 * The lot a staff action is for, and the municipality asking: null for a
 * lot that does not exist, or one asked for by another municipality.
 */
function lotTarget(
  ctx: Context,
  model: Model,
  pick: LotPick,
  fits: (lot: ModelLot) => boolean
): { lot: ModelLot | null; lotId: number; municipalityId: number } {
  if (pick.pick === 'missing' || model.lots.length === 0) {
    return { lot: null, lotId: MISSING_LOT, municipalityId: ctx.municipalityId }
  }
  if (pick.pick === 'foreign') {
    const lotId = model.lots[model.lots.length - 1].id
    return { lot: null, lotId, municipalityId: MISSING_MUNICIPALITY }
  }
  // Busy: a fitting lot carrying visits (revoke one with visits held, reopen
  // one that paid for visits), else any lot carrying visits.
  const busy = model.lots.filter((lot) => visitsOn(model, lot).length > 0)
  const busyFitting = busy.filter(fits)
  const preferred =
    pick.pick === 'fitting'
      ? model.lots.filter(fits)
      : pick.pick === 'busy'
        ? busyFitting.length > 0
          ? busyFitting
          : busy
        : model.lots
  const among = preferred.length > 0 ? preferred : model.lots
  const lot = among[('index' in pick ? pick.index : 0) % among.length]
  return { lot, lotId: lot.id, municipalityId: ctx.municipalityId }
}

/** The staff action's own entry: the lot's last, with the trimmed reason and the actor */
async function lastEntryIs(ctx: Context, lotId: number, kind: EntryKind, reason: string) {
  const entry = await db.from('ledger_entries').where('lot_id', lotId).orderBy('id', 'desc').first()
  ctx.assert.equal(entry.kind, kind)
  ctx.assert.equal(entry.reason, reason)
  ctx.assert.equal(
    entry.actor_user_id === null ? null : Number(entry.actor_user_id),
    ctx.by.actorUserId
  )
}

async function revoke(ctx: Context, model: Model, op: RevokeOp): Promise<Outcome> {
  const { lot, lotId, municipalityId } = lotTarget(
    ctx,
    model,
    op.target,
    (candidate) => candidate.status === 'active'
  )
  const result = await attempt(() =>
    op.via === 'engine'
      ? LedgerEngine.revoke(municipalityId, lotId, op.reason, ctx.by.actorUserId)
      : CouponAdministration.revoke(municipalityId, lotId, op.reason, ctx.by)
  )
  if (!lot && op.via === 'program') {
    // Staff asking for an unknown lot, or another municipality's, find nothing.
    ctx.assert.isNull(expectAccepted(ctx, result))
    return { changed: false, label: 'revoke:not_found' }
  }
  if (!op.reason.trim()) return expectRefused(ctx, result, 'reason_required')
  if (!lot) return expectRefused(ctx, result, 'lot_not_found')
  if (lot.status === 'revoked') return expectRefused(ctx, result, 'lot_revoked')
  if (lot.status === 'expired') return expectRefused(ctx, result, 'lot_expired')

  // What is left is taken back; what pending visits hold stays with them.
  const held = visitsOn(model, lot, ['reserved'])
    .flatMap((redemption) => redemption.takes)
    .filter((take) => take.lotId === lot.id)
    .reduce((total, take) => total + take.minutes, 0)
  const expected = { revokedMinutes: lot.available, heldMinutes: held }
  same(
    ctx,
    expectAccepted(ctx, result),
    op.via === 'engine' ? expected : { lotId: lot.id, residentId: ctx.residentId, ...expected },
    'what revoke answered'
  )
  journalize(model, 'revoke', lot.available)
  lot.takenBack += lot.available
  lot.available = 0
  lot.status = 'revoked'
  if (op.via === 'program') model.audits += 1
  await lastEntryIs(ctx, lot.id, 'revoke', op.reason.trim())
  const posted = visitsOn(model, lot, ['posted']).length > 0
  return {
    changed: true,
    label: held > 0 ? 'revoke:with_held' : posted ? 'revoke:with_posted' : 'revoke',
  }
}

/** Runs work with luxon's clock at an instant (null: the real clock) */
async function atInstant<T>(instant: string | null, work: () => Promise<T>) {
  if (!instant) return work()
  const saved = Settings.now
  const millis = Date.parse(instant)
  Settings.now = () => millis
  try {
    return await work()
  } finally {
    Settings.now = saved
  }
}

async function changeExpiry(ctx: Context, model: Model, op: ChangeExpiryOp): Promise<Outcome> {
  const { lot, lotId, municipalityId } = lotTarget(
    ctx,
    model,
    op.target,
    (candidate) => candidate.status === 'expired'
  )
  // 15:30 UTC is 00:30 the next day in Japan: "today" is the Japanese date.
  const today = op.clock === 'japan' ? plusDays(model.today, 1) : model.today
  const lastVisit = lot
    ? visitsOn(model, lot)
        .map((redemption) => redemption.request.visitDate)
        .reduce<string | null>((latest, date) => (latest && latest > date ? latest : date), null)
    : null
  const to = op.to
  const validTo =
    'invalid' in to
      ? to.invalid
      : 'same' in to
        ? (lot?.validTo ?? today)
        : 'beforeStart' in to
          ? plusDays(lot?.validFrom ?? today, -1)
          : 'fromValidTo' in to
            ? plusDays(lot?.validTo ?? today, to.fromValidTo)
            : 'lastVisit' in to
              ? plusDays(lastVisit ?? today, to.lastVisit)
              : plusDays(today, to.fromToday)
  const options = op.clock === 'option' ? { today: model.today } : {}
  const result = await atInstant(op.clock === 'japan' ? `${model.today}T15:30:00Z` : null, () =>
    attempt(() =>
      op.via === 'engine'
        ? LedgerEngine.changeExpiry(
            municipalityId,
            lotId,
            validTo,
            op.reason,
            ctx.by.actorUserId,
            options
          )
        : CouponAdministration.changeExpiry(
            municipalityId,
            lotId,
            validTo,
            op.reason,
            ctx.by,
            options
          )
    )
  )
  if (!lot && op.via === 'program') {
    ctx.assert.isNull(expectAccepted(ctx, result))
    return { changed: false, label: 'changeExpiry:not_found' }
  }
  if ('invalid' in to) return expectRefused(ctx, result, 'invalid_date')
  if (!op.reason.trim()) return expectRefused(ctx, result, 'reason_required')
  if (!lot) return expectRefused(ctx, result, 'lot_not_found')
  if (lot.status === 'revoked') return expectRefused(ctx, result, 'lot_revoked')
  if (validTo === lot.validTo) return expectRefused(ctx, result, 'expiry_unchanged', { validTo })
  if (validTo < lot.validFrom) {
    return expectRefused(ctx, result, 'expiry_before_start', { validFrom: lot.validFrom })
  }
  if (validTo < today) return expectRefused(ctx, result, 'expiry_in_past', { today })
  if (lastVisit && validTo < lastVisit) {
    return expectRefused(ctx, result, 'expiry_before_visit', { visitDate: lastVisit })
  }

  // An expired lot reopens with exactly what lapsed since it was last reopened.
  const reopened = lot.status === 'expired'
  const restored = reopened ? lot.lapsed : 0
  const expected = { from: lot.validTo, to: validTo, reopened, restoredMinutes: restored }
  same(
    ctx,
    expectAccepted(ctx, result),
    op.via === 'engine' ? expected : { lotId: lot.id, residentId: ctx.residentId, ...expected },
    'what changeExpiry answered'
  )
  // after_use: the lot paid for visits before it lapsed, so less comes back than was granted
  const label = reopened
    ? restored === 0
      ? 'changeExpiry:reopen_nothing_lapsed'
      : restored < lot.granted
        ? 'changeExpiry:reopen_after_use'
        : 'changeExpiry:reopen'
    : validTo > lot.validTo
      ? 'changeExpiry:extend'
      : 'changeExpiry:shorten'
  lot.validTo = validTo
  lot.status = 'active'
  lot.available += restored
  lot.lapsed -= restored
  journalize(model, 'adjust', restored)
  if (op.via === 'program') model.audits += 1
  await lastEntryIs(ctx, lot.id, 'adjust', op.reason.trim())
  return { changed: true, label }
}

function apply(ctx: Context, model: Model, op: Op) {
  switch (op.kind) {
    case 'grant':
      return grant(ctx, model, op)
    case 'issue':
      return issue(ctx, model, op)
    case 'reserve':
      return reserve(ctx, model, op)
    case 'expire':
      return expire(ctx, model, op)
    case 'revoke':
      return revoke(ctx, model, op)
    case 'changeExpiry':
      return changeExpiry(ctx, model, op)
    default:
      return resolve(ctx, model, op)
  }
}

/*
| Reading the database back
*/

async function countOf(query: ReturnType<typeof db.from>) {
  const row = await query.count('* as total').first()
  return Number(row?.total ?? 0)
}

async function snapshot(ctx: Context) {
  const lotRows = await db.from('ledger_lots').where('resident_id', ctx.residentId).orderBy('id')
  const redemptionRows = await db
    .from('ledger_redemptions')
    .where('resident_id', ctx.residentId)
    .orderBy('id')
  const journalRows = await db
    .from('ledger_entries')
    .where('resident_id', ctx.residentId)
    .groupBy('kind')
    .select('kind')
    .count('* as count')
    .sum('minutes as minutes')
  return {
    lots: lotRows.map((row) => ({
      id: Number(row.id),
      services: JSON.parse(row.services) as string[],
      windowKey: row.window_key as string | null,
      childId: row.child_id === null ? null : Number(row.child_id),
      validFrom: row.valid_from as string,
      validTo: row.valid_to as string,
      granted: Number(row.granted_minutes),
      available: Number(row.available_minutes),
      status: row.status as string,
    })),
    redemptions: redemptionRows.map((row) => ({
      id: Number(row.id),
      key: row.idempotency_key as string,
      service: row.service as string,
      visitDate: row.visit_date as string,
      visitStart: row.visit_start as string | null,
      minutes: Number(row.minutes),
      status: row.status as string,
      reason: row.reason as string | null,
      resolved: row.resolved_at !== null,
    })),
    entries: await countOf(db.from('ledger_entries').where('resident_id', ctx.residentId)),
    journal: Object.fromEntries(
      journalRows.map((row) => [
        row.kind,
        { count: Number(row.count), minutes: Number(row.minutes) },
      ])
    ) as Journal,
    audits: await countOf(db.from('audit_events').where('subject_resident_id', ctx.residentId)),
    everyone: {
      lots: await countOf(db.from('ledger_lots')),
      redemptions: await countOf(db.from('ledger_redemptions')),
      entries: await countOf(db.from('ledger_entries')),
      audits: await countOf(db.from('audit_events')),
    },
  }
}
type Snapshot = Awaited<ReturnType<typeof snapshot>>

function expectedRows(model: Model) {
  return {
    lots: model.lots.map(({ lapsed: _lapsed, takenBack: _takenBack, ...lot }) => ({ ...lot })),
    redemptions: model.redemptions.map((redemption) => ({
      id: redemption.id,
      key: redemption.key,
      service: redemption.request.service,
      visitDate: redemption.request.visitDate,
      visitStart: redemption.request.visitStart,
      minutes: redemption.request.minutes,
      status: redemption.status,
      reason: redemption.reason,
      resolved: redemption.resolved,
    })),
  }
}

/**
 * deepEqual with a readable report: the differing rows, as JSON, from the
 * database and from the model.
 */
function same(ctx: Context, actual: unknown, expected: unknown, what: string) {
  try {
    ctx.assert.deepEqual(actual, expected)
  } catch {
    const rows = (value: unknown) => (Array.isArray(value) ? value : [value])
    const [found, wanted] = [rows(actual), rows(expected)]
    const differing = Array.from({ length: Math.max(found.length, wanted.length) }, (_, index) => [
      JSON.stringify(found[index]),
      JSON.stringify(wanted[index]),
    ]).filter(([one, other]) => one !== other)
    const report = differing
      .map(([one, other]) => `\n    database: ${one}\n    expected: ${other}`)
      .join('')
    throw new Error(`${what} differ:${report}`)
  }
}

async function checkInvariants(
  ctx: Context,
  model: Model,
  op: Op,
  outcome: Outcome,
  before: Snapshot,
  after: Snapshot
) {
  const { assert } = ctx
  const violation = await LedgerVerifier.firstViolation()
  if (violation) throw new Error(`LedgerVerifier: ${violation.subject}: ${violation.message}`)

  for (const lot of after.lots) {
    assert.isAtLeast(lot.available, 0, `lot ${lot.id} is overdrawn`)
    assert.isAtMost(lot.available, lot.granted, `lot ${lot.id} holds more than its grant`)
  }
  const total = (lots: { available: number }[]) => lots.reduce((sum, lot) => sum + lot.available, 0)
  const expected = expectedRows(model)
  assert.equal(total(after.lots), total(expected.lots), 'total available minutes')
  same(ctx, after.lots, expected.lots, 'lots')
  same(ctx, after.redemptions, expected.redemptions, 'redemptions')
  same(ctx, after.journal, model.journal, 'journal entries by kind')
  const entries = Object.values(model.journal).reduce((count, kind) => count + kind.count, 0)
  assert.equal(after.entries, entries, 'journal entries')
  assert.equal(after.audits, model.audits, 'audit events')

  // Redemptions never disappear, start reserved, and only move forward.
  const previous = new Map(before.redemptions.map((row) => [row.id, row.status]))
  for (const row of after.redemptions) {
    const was = previous.get(row.id)
    previous.delete(row.id)
    if (was === undefined) assert.equal(row.status, 'reserved', `redemption ${row.id} is new`)
    else if (was !== row.status) {
      assert.include(ALLOWED_TRANSITIONS[was] ?? [], row.status, `redemption ${row.id}: ${was} →`)
    }
  }
  assert.equal(previous.size, 0, 'a redemption disappeared')

  if (op.kind === 'expire') {
    // Expiry is the one sweep over every resident; with nothing of ours
    // lapsed, our rows stay as they were.
    if (!outcome.changed) {
      same(
        ctx,
        { ...after, everyone: null },
        { ...before, everyone: null },
        'rows after an expiry that found nothing of ours lapsed'
      )
    }
  } else if (!outcome.changed) {
    // A refusal, a replay, an unknown redemption: nothing changed anywhere.
    same(ctx, after, before, `rows after "${outcome.label}" (nothing may change)`)
  } else {
    // Only this resident's rows changed.
    for (const table of ['lots', 'redemptions', 'entries'] as const) {
      const mineBefore = table === 'entries' ? before.entries : before[table].length
      const mineAfter = table === 'entries' ? after.entries : after[table].length
      assert.equal(
        after.everyone[table] - before.everyone[table],
        mineAfter - mineBefore,
        `${table} of other residents changed`
      )
    }
    assert.equal(after.everyone.audits - before.everyone.audits, after.audits - before.audits)
  }
}

/**
 * Runs work in a savepoint of the test's global transaction, made the
 * global transaction meanwhile, and rolls it back: every property run
 * starts from the same database, so the verifier's whole-ledger checks and
 * fast-check's shrinking see only that run. (The engine's own
 * db.transaction calls become nested savepoints inside it.)
 */
async function inSavepoint<T>(work: () => Promise<T>) {
  const name = db.primaryConnectionName
  const outer = db.connectionGlobalTransactions.get(name)
  if (!outer) throw new Error('The property runs inside the global transaction')
  const inner = await outer.transaction()
  db.connectionGlobalTransactions.set(name, inner)
  try {
    return await work()
  } finally {
    db.connectionGlobalTransactions.set(name, outer)
    await inner.rollback()
  }
}

/**
 * Runs the model against the real ledger for every generated sequence,
 * each on a new resident whose one child was born on the generated date.
 */
async function checkSequences(
  assert: Assert,
  profile: Profile,
  numRuns: number,
  mustReach: string[]
) {
  const runs = Number(process.env.LEDGER_PROPS_RUNS ?? numRuns)
  const tally = new Map<string, number>()
  const seed = process.env.LEDGER_PROPS_SEED
  const path = process.env.LEDGER_PROPS_PATH
  const household = fc.record({ birth: fc.integer({ min: 0, max: 365 }) })

  await fc.assert(
    fc.asyncProperty(household, operations(profile), ({ birth }, ops) =>
      inSavepoint(async () => {
        const birthDate = day(birth)
        const { municipality, resident, children } = await residentWithChildren([{ birthDate }])
        const ctx: Context = {
          assert,
          municipalityId: municipality.id,
          residentId: resident.id,
          childId: children[0].id,
          birthDate,
          by: await staffOf(municipality),
        }
        const model: Model = {
          lots: [],
          redemptions: [],
          attempts: [],
          today: day(0),
          journal: {},
          audits: 0,
        }
        for (const [index, op] of ops.entries()) {
          try {
            const before = await snapshot(ctx)
            const outcome = await apply(ctx, model, op)
            const after = await snapshot(ctx)
            await checkInvariants(ctx, model, op, outcome, before, after)
            tally.set(outcome.label, (tally.get(outcome.label) ?? 0) + 1)
          } catch (error) {
            const message = error instanceof Error ? error.message : String(error)
            throw new Error(`step ${index + 1} ${JSON.stringify(op)}: ${message}`, {
              cause: error,
            })
          }
        }
      })
    ),
    {
      numRuns: runs,
      ...(seed ? { seed: Number(seed) } : {}),
      ...(path ? { path } : {}),
    }
  )
  if (process.env.LEDGER_PROPS_TALLY) console.log(Object.fromEntries([...tally].sort()))

  // Not vacuous: the generated sequences really reach these outcomes (each
  // comes up at least 8–10 times on average in the default number of runs,
  // so a run that misses one by chance is rarer than 1 in 1,000;
  // "a|b": either).
  if (runs < numRuns) return
  for (const label of mustReach) {
    const reached = label.split('|').reduce((total, one) => total + (tally.get(one) ?? 0), 0)
    assert.isAbove(reached, 0, `no step ended in "${label}"`)
  }
}

/** Longer runs (LEDGER_PROPS_RUNS) get more time */
const TIMEOUT = Math.max(120_000, Number(process.env.LEDGER_PROPS_RUNS ?? 0) * 500)

test.group('Ledger properties', (group) => {
  group.each.setup(() => testUtils.db().withGlobalTransaction())

  test('random sequences of grants, reservations, resolutions, expiry, revocations and expiry changes keep the ledger exact', async ({
    assert,
  }) => {
    await checkSequences(assert, MIXED, 100, [
      'grant',
      'issue:until_first_birthday',
      'reserve',
      'reserve:replay',
      'approve',
      'reject',
      'cancel',
      'expire',
      'refused:cap_exceeded',
      'refused:no_valid_lot',
      'refused:not_enough_minutes',
      'refused:idempotency_conflict',
      'refused:not_reserved',
      'refused:not_posted',
      'revoke',
      'changeExpiry:extend',
      'refused:lot_revoked',
      'refused:expiry_before_start',
    ])
  }).timeout(TIMEOUT)

  test('doula visits through the program: day, sub-cap and period rules as predicted', async ({
    assert,
  }) => {
    await checkSequences(assert, DOULA, 50, [
      'reserve',
      'refused:daily_visits_reached',
      'refused:service_period_over',
      'refused:not_enough_minutes',
    ])
  }).timeout(TIMEOUT)

  test('revocations and expiry changes: held minutes lapse, reopening restores what lapsed, caps free what was never used', async ({
    assert,
  }) => {
    await checkSequences(assert, STAFF, 100, [
      'revoke:with_held',
      'reject:into_revoked_lot|cancel:into_revoked_lot',
      'changeExpiry:extend',
      'changeExpiry:shorten',
      'changeExpiry:reopen|changeExpiry:reopen_after_use',
      'refused:expiry_unchanged',
      'refused:expiry_in_past',
      'refused:invalid_date',
      'refused:reason_required',
      'refused:lot_not_found',
      'refused:lot_expired',
    ])
  }).timeout(TIMEOUT)
})
