import { DateTime } from 'luxon'
import { compose } from '@adonisjs/core/helpers'
import { withLocalizedName } from '#shared/with_localized_name'
import { BaseModel, column, hasMany } from '@adonisjs/lucid/orm'
import type { HasMany } from '@adonisjs/lucid/types/relations'
import Facility from '#tenancy/facility'

export default class Provider extends compose(BaseModel, withLocalizedName) {
  @column({ isPrimary: true })
  declare id: number

  @column()
  declare phone: string | null

  @hasMany(() => Facility)
  declare facilities: HasMany<typeof Facility>

  @column.dateTime({ autoCreate: true })
  declare createdAt: DateTime

  @column.dateTime({ autoCreate: true, autoUpdate: true })
  declare updatedAt: DateTime
}
