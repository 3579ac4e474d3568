import { randomBytes } from 'node:crypto'
import { DateTime } from 'luxon'
import { generateSecret, generateURI, verify } from 'otplib'
import QRCode from 'qrcode'
import db from '@adonisjs/lucid/services/db'
import encryption from '@adonisjs/core/services/encryption'
import User from '#identity/user'
import Membership, { SECOND_FACTOR_ROLES } from '#identity/membership'
import { affectedRows } from '#shared/affected_rows'
import { sha256Hex } from '#shared/sha256'

const RECOVERY_CODE_COUNT = 10
const ISSUER = 'Tomoni'

function hashCode(code: string) {
  return sha256Hex(code.replace(/[^A-Z0-9]/gi, '').toUpperCase())
}

function newRecoveryCode() {
  const raw = randomBytes(5).toString('hex').toUpperCase()
  return `${raw.slice(0, 5)}-${raw.slice(5)}`
}

export type SecondFactorOutcome =
  { valid: true; method: 'totp' | 'recovery_code' } | { valid: false }

/**
 * TOTP (RFC 6238) as the second factor for staff and operators: enrolment
 * with a QR code, verification where each code works once (the accepted
 * time step is stored and older or equal steps are refused), and ten
 * single-use recovery codes stored as hashes.
 */
export default class TwoFactor {
  static async requiredFor(user: User) {
    const staff = await Membership.query()
      .where('user_id', user.id)
      .whereIn('role', SECOND_FACTOR_ROLES)
      .first()
    return staff !== null
  }

  /**
   * A secret to enrol (kept encrypted until confirmed), as a QR code and as
   * text for apps that cannot scan.
   */
  static async beginEnrolment(user: User) {
    let secret = user.totpSecret ? encryption.decrypt<string>(user.totpSecret) : null
    if (!secret || user.totpEnabledAt) {
      secret = generateSecret()
      user.totpSecret = encryption.encrypt(secret)
      user.totpEnabledAt = null
      await user.save()
    }
    const uri = generateURI({ issuer: ISSUER, label: user.email, secret })
    return { secret, qrDataUrl: await QRCode.toDataURL(uri, { margin: 1, width: 240 }) }
  }

  /**
   * Confirms enrolment with a first code; returns the recovery codes to
   * show once, or null when the code is wrong.
   */
  static async confirmEnrolment(user: User, code: string): Promise<string[] | null> {
    if (user.totpEnabledAt || !user.totpSecret) return null
    const step = await this.#acceptTotp(user, code)
    if (step === null) return null
    const codes = Array.from({ length: RECOVERY_CODE_COUNT }, newRecoveryCode)
    await db.transaction(async (trx) => {
      const account = await User.findOrFail(user.id, { client: trx })
      account.totpEnabledAt = DateTime.now()
      await account.save()
      await trx.from('recovery_codes').where('user_id', user.id).delete()
      await trx.table('recovery_codes').multiInsert(
        codes.map((recoveryCode) => ({
          user_id: user.id,
          code_hash: hashCode(recoveryCode),
          created_at: new Date(),
        }))
      )
    })
    return codes
  }

  static async verify(user: User, code: string): Promise<SecondFactorOutcome> {
    if (!user.totpEnabledAt || !user.totpSecret) return { valid: false }
    if (/^\d{6}$/.test(code.trim())) {
      return (await this.#acceptTotp(user, code)) === null
        ? { valid: false }
        : { valid: true, method: 'totp' }
    }
    const used = await db
      .from('recovery_codes')
      .where('user_id', user.id)
      .where('code_hash', hashCode(code))
      .whereNull('used_at')
      .update({ used_at: new Date() })
    return affectedRows(used) === 1 ? { valid: true, method: 'recovery_code' } : { valid: false }
  }

  static async remainingRecoveryCodes(user: User) {
    const row = await db
      .from('recovery_codes')
      .where('user_id', user.id)
      .whereNull('used_at')
      .count('* as total')
      .first()
    return Number(row?.total ?? 0)
  }

  /**
   * Accepts a TOTP code at most once: the time step it belongs to must be
   * newer than the last accepted one, and recording it is a guarded UPDATE,
   * so two requests racing with the same code cannot both pass.
   */
  static async #acceptTotp(user: User, code: string): Promise<number | null> {
    const secret = encryption.decrypt<string>(user.totpSecret!)
    if (!secret) return null
    const result = await verify({
      secret,
      token: code.trim(),
      epochTolerance: 30,
      afterTimeStep: user.totpLastStep ?? undefined,
    }).catch(() => ({ valid: false as const }))
    if (!result.valid) return null
    const step = (result as { timeStep: number }).timeStep
    const updated = await db
      .from('users')
      .where('id', user.id)
      .where((query) => {
        query.whereNull('totp_last_step').orWhere('totp_last_step', '<', step)
      })
      .update({ totp_last_step: step })
    if (affectedRows(updated) !== 1) return null
    user.totpLastStep = step
    return step
  }
}
