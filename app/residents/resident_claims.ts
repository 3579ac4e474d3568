import { randomBytes, randomInt } from 'node:crypto'
import db from '@adonisjs/lucid/services/db'
import type { TransactionClientContract } from '@adonisjs/lucid/types/database'
import AuditTrail from '#audit/audit_trail'
import type { AuditSource } from '#audit/audit_event_input'
import type { StaffAction } from '#audit/staff_action'
import { todayInJapan } from '#ledger/coupon_issuance'
import Resident from '#residents/resident'
import Child from '#residents/child'
import Membership from '#identity/membership'
import type User from '#identity/user'
import AttemptThrottle, { digest, type ThrottleRule } from '#identity/attempt_throttle'
import { affectedRows } from '#shared/affected_rows'
import ResidentAccountRefusal from '#residents/resident_account_refusal'
import ResidentRefusal from '#residents/resident_refusal'
import type { ChildFields } from '#residents/resident_directory'
import { sha256Hex } from '#shared/sha256'
import { staffEvent } from '#audit/staff_action'
import { isUniqueViolation } from '#shared/unique_violation'
import { checkChildDates, normalizeResidentNumber } from '#residents/resident_field_rules'
import type { AuditAction } from '#audit/audit_vocabulary'

/** How long a code staff hand out stays usable */
export const CLAIM_CODE_DAYS = 30

/**
 * Letters and digits nobody mixes up when reading aloud or typing from
 * paper: no 0/O, 1/I/L, and no U (U/V). 30 symbols, 12 of them: about
 * 59 bits, far beyond guessing under the throttle below.
 */
export const CLAIM_CODE_ALPHABET = '23456789ABCDEFGHJKMNPQRSTVWXYZ'
export const CLAIM_CODE_LENGTH = 12

/** Where a resident's request came from, for the audit trail */
export type RequestOrigin = { source: AuditSource; destination?: string | null }

export type ClaimInput = { municipalityId: number; residentNumber: string; code: string }

export type SelfRegistration = {
  municipalityId: number
  familyName: string
  givenName: string
  familyNameKana: string
  givenNameKana: string
  phone: string | null
  children: ChildFields[]
}

/** Who tries to claim: the account, and the record they name */
type ClaimIdentity = { account: string; record: string }

/**
 * Wrong claim attempts, counted per account and per 利用者ID: one account
 * cannot try many codes, and many accounts together cannot hammer one
 * record; each block expires on its own.
 */
export const CLAIM_RULES: ThrottleRule<ClaimIdentity>[] = [
  {
    name: 'account',
    requests: 5,
    duration: '15 mins',
    blockDuration: '15 mins',
    key: ({ account }) => `claim:account:${digest(account)}`,
  },
  {
    name: 'resident',
    requests: 10,
    duration: '1 hour',
    blockDuration: '1 hour',
    key: ({ record }) => `claim:resident:${digest(record)}`,
  },
]

/** A code as typed: any case, full-width, with or without hyphens and spaces */
export function normalizeClaimCode(input: string) {
  return normalizeResidentNumber(input).toUpperCase().replaceAll(/[\s-]/g, '')
}

/** XXXX-XXXX-XXXX, as printed and read aloud */
export function formatClaimCode(code: string) {
  return code.match(/.{1,4}/g)!.join('-')
}

function claimCodeHash(code: string) {
  return sha256Hex(normalizeClaimCode(code))
}

/** Why a claim failed, for the audit trail only (the person sees one answer) */
class ClaimMiss extends Error {
  constructor(
    readonly reason: 'unknown_resident' | 'wrong_code' | 'used_code' | 'expired_code' | 'linked',
    readonly residentId: number | null
  ) {
    super(reason)
  }
}

/**
 * How a resident's account comes to its resident record:
 *
 * - staff registered the resident (by hand or CSV): staff hand out a
 *   one-time code (issue), the resident types their 利用者ID and the code
 *   (claim), and the account is linked to the record;
 * - a new resident nobody registered yet: they register themselves
 *   (registerSelf) and apply next.
 *
 * Either way the account gets the municipality's "resident" membership.
 * Only the code's SHA-256 is stored; every step is audited in its own
 * transaction (never the code itself).
 */
export default class ResidentClaims {
  constructor(
    private readonly throttle = new AttemptThrottle(CLAIM_RULES),
    private readonly today: () => string = todayInJapan
  ) {}

  /*
  |--------------------------------------------------------------------------
  | Staff: a one-time code
  |--------------------------------------------------------------------------
  */

  /**
   * A new code for a record no account holds yet. The resident's older
   * unused codes stop working at once (their expiry is set to now: the
   * rows stay for the record), so only the paper handed out last counts.
   */
  async issue(municipalityId: number, residentId: number, by: StaffAction) {
    const code = Array.from(
      { length: CLAIM_CODE_LENGTH },
      () => CLAIM_CODE_ALPHABET[randomInt(CLAIM_CODE_ALPHABET.length)]
    ).join('')
    const now = new Date()
    const expiresAt = new Date(now.getTime() + CLAIM_CODE_DAYS * 86_400_000)

    return db.transaction(async (trx) => {
      const resident = await Resident.query({ client: trx })
        .where('municipality_id', municipalityId)
        .where('id', residentId)
        .firstOrFail()
      if (resident.userId !== null) throw new ResidentAccountRefusal('record_already_linked')

      const voided = await trx
        .from('resident_claim_codes')
        .where('municipality_id', municipalityId)
        .where('resident_id', resident.id)
        .whereNull('used_at')
        .where('expires_at', '>', now)
        .update({ expires_at: now })
      await trx.table('resident_claim_codes').insert({
        municipality_id: municipalityId,
        resident_id: resident.id,
        code_hash: claimCodeHash(code),
        expires_at: expiresAt,
        created_by_user_id: by.actorUserId,
        created_at: now,
      })
      await AuditTrail.record(
        {
          ...staffEvent(municipalityId, by, {
            action: 'resident.claim_code_issued',
            purpose: 'resident_record',
          }),
          subjectResidentId: resident.id,
          details: { expires_at: expiresAt.toISOString(), voided: affectedRows(voided) },
        },
        trx
      )
      return { code: formatClaimCode(code), expiresAt, residentNumber: resident.residentNumber }
    })
  }

  /*
  |--------------------------------------------------------------------------
  | Resident: claim the record
  |--------------------------------------------------------------------------
  */

  /**
   * Links the account to the record with that 利用者ID when the code is
   * the record's live, unused one. The code is consumed, the record linked
   * and the membership created in one transaction, each by a guarded
   * update: of two claims at once, one wins and the other gets the same
   * answer as a wrong code.
   */
  async claim(user: User, input: ClaimInput, origin: RequestOrigin) {
    const residentNumber = normalizeResidentNumber(input.residentNumber)
    const accountKey = `${user.id}`
    const recordKey = `${input.municipalityId}:${residentNumber.toUpperCase()}`

    const own = await Resident.query()
      .where('municipality_id', input.municipalityId)
      .where('user_id', user.id)
      .first()
    if (own) throw new ResidentAccountRefusal('account_already_linked')

    // The claim takes its place before the code is checked, so claims
    // sent at once cannot check more codes than the rules allow.
    const identity = { account: accountKey, record: recordKey }
    const throttled = await this.throttle.consume(identity)
    if (throttled) {
      await this.#denied(user, input.municipalityId, origin, {
        reason: 'throttled',
        residentId: null,
        residentNumber,
      })
      throw new ResidentAccountRefusal('throttled', {
        minutes: Math.ceil(throttled.retryAfterSeconds / 60),
      })
    }

    try {
      const claimed = await db.transaction(async (trx) => {
        // Typed in small letters too (the ward's IDs are capitals; as written wins)
        const resident = await Resident.query({ client: trx })
          .where('municipality_id', input.municipalityId)
          .whereRaw('UPPER(resident_number) = ?', [residentNumber.toUpperCase()])
          .orderByRaw('CASE WHEN resident_number = ? THEN 0 ELSE 1 END', [residentNumber])
          .first()
        if (!resident) throw new ClaimMiss('unknown_resident', null)
        const row = await trx
          .from('resident_claim_codes')
          .where('municipality_id', input.municipalityId)
          .where('resident_id', resident.id)
          .where('code_hash', claimCodeHash(input.code))
          .first()
        if (!row) throw new ClaimMiss('wrong_code', resident.id)
        if (row.used_at) throw new ClaimMiss('used_code', resident.id)
        if (new Date(row.expires_at).getTime() <= Date.now()) {
          throw new ClaimMiss('expired_code', resident.id)
        }

        const now = new Date()
        const consumed = await trx
          .from('resident_claim_codes')
          .where('id', row.id)
          .whereNull('used_at')
          .update({ used_at: now, used_by_user_id: user.id })
        if (affectedRows(consumed) !== 1) throw new ClaimMiss('used_code', resident.id)
        const linked = await trx
          .from('residents')
          .where('id', resident.id)
          .whereNull('user_id')
          .update({ user_id: user.id })
        if (affectedRows(linked) !== 1) throw new ClaimMiss('linked', resident.id)
        // The record's other codes have nothing left to open
        await trx
          .from('resident_claim_codes')
          .where('resident_id', resident.id)
          .whereNull('used_at')
          .where('expires_at', '>', now)
          .update({ expires_at: now })
        await ensureResidentMembership(trx, user.id, input.municipalityId)

        await AuditTrail.record(
          ownEvent('resident.claimed', user, input.municipalityId, resident.id, origin),
          trx
        )
        await resident.refresh()
        return resident
      })
      await this.throttle.refund(identity)
      return claimed
    } catch (error) {
      // Two claims for two records by one account at once: the unique
      // (municipality, user) index keeps the second out
      if (isUniqueViolation(error)) throw new ResidentAccountRefusal('account_already_linked')
      if (!(error instanceof ClaimMiss)) throw error
      await this.#denied(user, input.municipalityId, origin, {
        reason: error.reason,
        residentId: error.residentId,
        residentNumber,
      })
      throw new ResidentAccountRefusal('claim_failed')
    }
  }

  /*
  |--------------------------------------------------------------------------
  | Resident: first time here
  |--------------------------------------------------------------------------
  */

  /**
   * A new resident nobody registered yet creates their own record (with
   * the children they expect or have) before applying to a program.
   *
   * The record needs a 利用者ID, which is the ward's to assign. It gets a
   * provisional one, `WEB-` and the row's id (WEB-000123): unique without a
   * counter, and plainly "registered on the web" in the staff console,
   * where staff replace it with the ward's ID in the edit form once they
   * check the application.
   */
  async registerSelf(user: User, input: SelfRegistration, origin: RequestOrigin) {
    input.children.forEach((child, index) => {
      const problem = checkChildDates(child, this.today())
      if (problem) throw new ResidentRefusal(`children.${index}.${problem.field}`, problem.code)
    })
    try {
      return await db.transaction(async (trx) => {
        const own = await trx
          .from('residents')
          .where('municipality_id', input.municipalityId)
          .where('user_id', user.id)
          .first()
        if (own) throw new ResidentAccountRefusal('account_already_linked')

        const resident = await Resident.create(
          {
            municipalityId: input.municipalityId,
            userId: user.id,
            residentNumber: `WEB-P-${randomBytes(8).toString('hex')}`,
            familyName: input.familyName,
            givenName: input.givenName,
            familyNameKana: input.familyNameKana,
            givenNameKana: input.givenNameKana,
            phone: input.phone,
          },
          { client: trx }
        )
        resident.residentNumber = await provisionalNumber(trx, input.municipalityId, resident.id)
        await resident.useTransaction(trx).save()

        const children = await Child.createMany(
          input.children.map((child) => ({
            ...child,
            municipalityId: input.municipalityId,
            residentId: resident.id,
          })),
          { client: trx }
        )
        await ensureResidentMembership(trx, user.id, input.municipalityId)
        await AuditTrail.record(
          {
            ...ownEvent(
              'resident.self_registered',
              user,
              input.municipalityId,
              resident.id,
              origin
            ),
            details: { child_ids: children.map((child) => child.id) },
          },
          trx
        )
        return resident
      })
    } catch (error) {
      if (isUniqueViolation(error)) throw new ResidentAccountRefusal('account_already_linked')
      throw error
    }
  }

  async #denied(
    user: User,
    municipalityId: number,
    origin: RequestOrigin,
    miss: { reason: string; residentId: number | null; residentNumber: string }
  ) {
    await AuditTrail.record({
      municipalityId,
      action: 'resident.claim_denied',
      outcome: 'denied',
      actorUserId: user.id,
      subjectResidentId: miss.residentId,
      purpose: 'resident_record',
      source: origin.source,
      destination: origin.destination ?? null,
      // The 利用者ID typed is an identifier (kept as the search keeps it); never the code
      details: { reason: miss.reason, resident_number: miss.residentNumber.slice(0, 32) },
    })
  }
}

/** The account acting on its own record, as a resident (not yet a member: no tenant role) */
function ownEvent(
  action: AuditAction,
  user: User,
  municipalityId: number,
  residentId: number,
  origin: RequestOrigin
) {
  return {
    municipalityId,
    action,
    actorUserId: user.id,
    actorRole: 'resident',
    subjectResidentId: residentId,
    purpose: 'resident_record' as const,
    source: origin.source,
    destination: origin.destination ?? null,
  }
}

/** WEB-000123, or WEB-000123-XXXX when staff happened to type that ID for someone */
async function provisionalNumber(
  trx: TransactionClientContract,
  municipalityId: number,
  residentId: number
) {
  const number = `WEB-${String(residentId).padStart(6, '0')}`
  const taken = await trx
    .from('residents')
    .where('municipality_id', municipalityId)
    .where('resident_number', number)
    .first()
  return taken ? `${number}-${randomBytes(2).toString('hex').toUpperCase()}` : number
}

/** The account's "resident" membership in the municipality, created when missing */
export async function ensureResidentMembership(
  trx: TransactionClientContract,
  userId: number,
  municipalityId: number
) {
  const existing = await Membership.query({ client: trx })
    .where('user_id', userId)
    .where('municipality_id', municipalityId)
    .where('role', 'resident')
    .first()
  if (existing) return existing
  return Membership.create(
    { userId, municipalityId, providerId: null, role: 'resident' },
    { client: trx }
  )
}
