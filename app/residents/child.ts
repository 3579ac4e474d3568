import { DateTime } from 'luxon'
import { BaseModel, belongsTo, column } from '@adonisjs/lucid/orm'
import type { BelongsTo } from '@adonisjs/lucid/types/relations'
import Resident from '#residents/resident'

/**
 * A resident's child, or the child they expect. Program windows count from
 * the birth date, or the due date until the birth is recorded.
 */
export default class Child extends BaseModel {
  static table = 'children'

  @column({ isPrimary: true })
  declare id: number

  @column()
  declare municipalityId: number

  @column()
  declare residentId: number

  @column()
  declare givenName: string | null

  @column()
  declare dueDate: string | null

  @column()
  declare birthDate: string | null

  @column({ consume: (value) => Boolean(value) })
  declare multipleBirth: boolean

  @belongsTo(() => Resident)
  declare resident: BelongsTo<typeof Resident>

  @column.dateTime({ autoCreate: true })
  declare createdAt: DateTime

  @column.dateTime({ autoCreate: true, autoUpdate: true })
  declare updatedAt: DateTime

  /** The date windows count from: the birth, or the expected birth */
  get anchorDate(): string | null {
    return this.birthDate ?? this.dueDate
  }
}
