import { DateTime } from 'luxon'
import { compose } from '@adonisjs/core/helpers'
import { withLocalizedName } from '#shared/with_localized_name'
import { BaseModel, column, hasMany } from '@adonisjs/lucid/orm'
import type { HasMany } from '@adonisjs/lucid/types/relations'
import Membership from '#identity/membership'

export default class Municipality extends compose(BaseModel, withLocalizedName) {
  @column({ isPrimary: true })
  declare id: number

  @column()
  declare code: string

  @column()
  declare slug: string

  @hasMany(() => Membership)
  declare memberships: HasMany<typeof Membership>

  @column.dateTime({ autoCreate: true })
  declare createdAt: DateTime

  @column.dateTime({ autoCreate: true, autoUpdate: true })
  declare updatedAt: DateTime
}
