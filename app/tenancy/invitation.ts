import { DateTime } from 'luxon'
import { BaseModel, belongsTo, column } from '@adonisjs/lucid/orm'
import type { BelongsTo } from '@adonisjs/lucid/types/relations'
import Municipality from '#tenancy/municipality'
import Provider from '#tenancy/provider'
import type { Role } from '#identity/membership'

/**
 * An invitation to a role in a municipality (optionally at a provider),
 * addressed to an email. It grants nothing until the account signed in
 * with that address accepts it from the mailed link (AccountInvitation).
 */
export default class Invitation extends BaseModel {
  @column({ isPrimary: true })
  declare id: number

  @column()
  declare municipalityId: number

  @column()
  declare providerId: number | null

  @column()
  declare role: Role

  @column()
  declare email: string

  @column()
  declare fullName: string

  @column()
  declare locale: string

  @column({ serializeAs: null })
  declare tokenHash: string

  @column()
  declare invitedByUserId: number | null

  @column()
  declare invitedByRole: string | null

  @column.dateTime()
  declare expiresAt: DateTime

  @column.dateTime()
  declare acceptedAt: DateTime | null

  @column()
  declare acceptedByUserId: number | null

  @column.dateTime()
  declare revokedAt: DateTime | null

  @belongsTo(() => Municipality)
  declare municipality: BelongsTo<typeof Municipality>

  @belongsTo(() => Provider)
  declare provider: BelongsTo<typeof Provider>

  @column.dateTime({ autoCreate: true })
  declare createdAt: DateTime

  @column.dateTime({ autoCreate: true, autoUpdate: true })
  declare updatedAt: DateTime

  /** Neither accepted, replaced nor expired */
  get usable() {
    return this.acceptedAt === null && this.revokedAt === null && this.expiresAt > DateTime.now()
  }
}
