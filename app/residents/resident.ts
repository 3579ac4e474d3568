import { DateTime } from 'luxon'
import { BaseModel, belongsTo, column, hasMany } from '@adonisjs/lucid/orm'
import type { BelongsTo, HasMany } from '@adonisjs/lucid/types/relations'
import Municipality from '#tenancy/municipality'
import User from '#identity/user'
import Child from '#residents/child'

export default class Resident extends BaseModel {
  @column({ isPrimary: true })
  declare id: number

  @column()
  declare municipalityId: number

  @column()
  declare userId: number | null

  @column()
  declare residentNumber: string

  @column()
  declare familyName: string

  @column()
  declare givenName: string

  @column()
  declare familyNameKana: string

  @column()
  declare givenNameKana: string

  @column()
  declare phone: string | null

  /** Staff's notes on the household (family situation, what to watch for) */
  @column()
  declare householdNotes: string | null

  @belongsTo(() => Municipality)
  declare municipality: BelongsTo<typeof Municipality>

  @belongsTo(() => User)
  declare user: BelongsTo<typeof User>

  @hasMany(() => Child)
  declare children: HasMany<typeof Child>

  @column.dateTime({ autoCreate: true })
  declare createdAt: DateTime

  @column.dateTime({ autoCreate: true, autoUpdate: true })
  declare updatedAt: DateTime
}
