import { DateTime } from 'luxon'
import { BaseModel, belongsTo, column } from '@adonisjs/lucid/orm'
import type { BelongsTo } from '@adonisjs/lucid/types/relations'
import Provider from '#tenancy/provider'
import { jsonColumn } from '#shared/json_column'

/**
 * A provider's contract with a municipality for one program: the services
 * (of those the program declares) its staff may deliver there.
 */
export default class ProviderContract extends BaseModel {
  @column({ isPrimary: true })
  declare id: number

  @column()
  declare municipalityId: number

  @column()
  declare providerId: number

  @column()
  declare pluginId: string

  @column()
  declare programCode: string

  @column(jsonColumn)
  declare services: string[]

  @column()
  declare updatedByUserId: number | null

  @belongsTo(() => Provider)
  declare provider: BelongsTo<typeof Provider>

  @column.dateTime({ autoCreate: true })
  declare createdAt: DateTime

  @column.dateTime({ autoCreate: true, autoUpdate: true })
  declare updatedAt: DateTime
}
