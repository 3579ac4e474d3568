import { DateTime } from 'luxon'
import { compose } from '@adonisjs/core/helpers'
import { withLocalizedName } from '#shared/with_localized_name'
import { BaseModel, column, hasMany } from '@adonisjs/lucid/orm'
import type { HasMany } from '@adonisjs/lucid/types/relations'
import Membership from '#identity/membership'
import type { DateStyle } from '#shared/era_dates'

export default class Municipality extends compose(BaseModel, withLocalizedName) {
  @column({ isPrimary: true })
  declare id: number

  @column()
  declare code: string

  @column()
  declare slug: string

  /** How its console, exports and printouts write dates (DATE_STYLES) */
  @column()
  declare dateStyle: DateStyle

  @hasMany(() => Membership)
  declare memberships: HasMany<typeof Membership>

  @column.dateTime({ autoCreate: true })
  declare createdAt: DateTime

  @column.dateTime({ autoCreate: true, autoUpdate: true })
  declare updatedAt: DateTime
}
