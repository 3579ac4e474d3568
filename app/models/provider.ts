import { DateTime } from 'luxon'
import { compose } from '@adonisjs/core/helpers'
import { withLocalizedName } from '#models/mixins/with_localized_name'
import { BaseModel, column } from '@adonisjs/lucid/orm'

export default class Provider extends compose(BaseModel, withLocalizedName) {
  @column({ isPrimary: true })
  declare id: number

  @column()
  declare phone: string | null

  @column.dateTime({ autoCreate: true })
  declare createdAt: DateTime

  @column.dateTime({ autoCreate: true, autoUpdate: true })
  declare updatedAt: DateTime
}
