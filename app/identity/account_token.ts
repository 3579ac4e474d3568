import { randomBytes } from 'node:crypto'
import { DateTime } from 'luxon'
import { BaseModel, belongsTo, column } from '@adonisjs/lucid/orm'
import type { BelongsTo } from '@adonisjs/lucid/types/relations'
import type { TransactionClientContract } from '@adonisjs/lucid/types/database'
import User from '#identity/user'
import { affectedRows } from '#shared/affected_rows'
import { sha256Hex } from '#shared/sha256'
import { safeReturnPath } from '#identity/sign_in_return'

export type TokenPurpose =
  'verify_email' | 'reset_password' | 'change_email' | 'invitation' | 'sign_in_link'

const LIFETIME: Record<TokenPurpose, { hours: number } | { minutes: number }> = {
  verify_email: { hours: 48 },
  reset_password: { hours: 1 },
  change_email: { hours: 24 },
  invitation: { hours: 72 },
  sign_in_link: { minutes: 15 },
}

export function hashToken(token: string) {
  return sha256Hex(token)
}

/**
 * A single-use link token. The link carries the secret (256 bits); the
 * database keeps only its hash, so a database leak yields no usable link.
 */
export default class AccountToken extends BaseModel {
  @column({ isPrimary: true })
  declare id: number

  @column()
  declare userId: number

  @column()
  declare purpose: TokenPurpose

  @column({ serializeAs: null })
  declare tokenHash: string

  @column()
  declare newEmail: string | null

  /** A path of this app to go on to once the link is used (safeReturnPath) */
  @column()
  declare returnPath: string | null

  @column.dateTime()
  declare expiresAt: DateTime

  @column.dateTime()
  declare usedAt: DateTime | null

  @column.dateTime({ autoCreate: true })
  declare createdAt: DateTime

  @belongsTo(() => User)
  declare user: BelongsTo<typeof User>

  /**
   * Issues a token and returns its secret (shown once, in the mail link).
   * Earlier unused tokens of the same purpose stop working.
   */
  static async issue(
    user: User,
    purpose: TokenPurpose,
    options: {
      newEmail?: string
      returnPath?: string | null
      client?: TransactionClientContract
    } = {}
  ) {
    const secret = randomBytes(32).toString('base64url')
    const query = options.client ? this.query({ client: options.client }) : this.query()
    await query
      .where('user_id', user.id)
      .where('purpose', purpose)
      .whereNull('used_at')
      .update({ used_at: DateTime.now().toSQL() })
    await this.create(
      {
        userId: user.id,
        purpose,
        tokenHash: hashToken(secret),
        newEmail: options.newEmail ?? null,
        returnPath: safeReturnPath(options.returnPath),
        expiresAt: DateTime.now().plus(LIFETIME[purpose]),
      },
      { client: options.client }
    )
    return secret
  }

  /** Whether a token would still work, without using it up */
  static async isUsable(secret: string, purpose: TokenPurpose) {
    const token = await this.query()
      .where('token_hash', hashToken(secret))
      .where('purpose', purpose)
      .whereNull('used_at')
      .where('expires_at', '>', DateTime.now().toSQL())
      .first()
    return token !== null
  }

  /**
   * Marks a usable token used and returns it, in the caller's transaction.
   * The UPDATE guarded by "used_at IS NULL" makes a token work once, even
   * when two requests present it at the same moment. Unknown, expired and
   * already used tokens all return null.
   */
  static async consume(
    secret: string,
    purposes: TokenPurpose | TokenPurpose[],
    client: TransactionClientContract
  ) {
    const token = await this.query({ client })
      .where('token_hash', hashToken(secret))
      .whereIn('purpose', [purposes].flat())
      .first()
    if (!token || token.usedAt !== null || token.expiresAt < DateTime.now()) return null
    const updated = await this.query({ client })
      .where('id', token.id)
      .whereNull('used_at')
      .update({ used_at: DateTime.now().toSQL() })
    return affectedRows(updated) === 1 ? token : null
  }
}
