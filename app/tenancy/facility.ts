import { DateTime } from 'luxon'
import { compose } from '@adonisjs/core/helpers'
import { BaseModel, belongsTo, column } from '@adonisjs/lucid/orm'
import type { BelongsTo } from '@adonisjs/lucid/types/relations'
import { withLocalizedName } from '#shared/with_localized_name'
import Provider from '#tenancy/provider'

/**
 * A provider's site (施設): where visits start and what usage reports are
 * grouped by.
 */
export default class Facility extends compose(BaseModel, withLocalizedName) {
  static table = 'facilities'

  @column({ isPrimary: true })
  declare id: number

  @column()
  declare providerId: number

  @column()
  declare address: string | null

  @column()
  declare phone: string | null

  @belongsTo(() => Provider)
  declare provider: BelongsTo<typeof Provider>

  @column.dateTime({ autoCreate: true })
  declare createdAt: DateTime

  @column.dateTime({ autoCreate: true, autoUpdate: true })
  declare updatedAt: DateTime
}
