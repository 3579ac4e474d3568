import { DateTime } from 'luxon'
import { BaseModel, belongsTo, column } from '@adonisjs/lucid/orm'
import type { BelongsTo } from '@adonisjs/lucid/types/relations'
import Resident from '#residents/resident'
import Child from '#residents/child'
import User from '#identity/user'
import { jsonColumn } from '#shared/json_column'

export type ApplicationStatus = 'submitted' | 'approved' | 'rejected' | 'withdrawn'

/**
 * A resident's application to one program, with the answers to the form
 * its plugin declares. Staff approve it (which issues the program's
 * default grant) or reject it with a reason the resident sees.
 */
export default class Application extends BaseModel {
  @column({ isPrimary: true })
  declare id: number

  @column()
  declare municipalityId: number

  @column()
  declare residentId: number

  @column()
  declare pluginId: string

  @column()
  declare programCode: string

  @column()
  declare childId: number | null

  @column(jsonColumn)
  declare answers: Record<string, unknown>

  @column()
  declare status: ApplicationStatus

  @column()
  declare decisionReason: string | null

  @column()
  declare decidedByUserId: number | null

  @column.dateTime()
  declare decidedAt: DateTime | null

  @belongsTo(() => Resident)
  declare resident: BelongsTo<typeof Resident>

  @belongsTo(() => Child)
  declare child: BelongsTo<typeof Child>

  @belongsTo(() => User, { foreignKey: 'decidedByUserId' })
  declare decidedBy: BelongsTo<typeof User>

  @column.dateTime({ autoCreate: true })
  declare createdAt: DateTime

  @column.dateTime({ autoCreate: true, autoUpdate: true })
  declare updatedAt: DateTime
}
