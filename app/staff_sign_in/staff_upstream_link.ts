import { DateTime } from 'luxon'
import { BaseModel, column } from '@adonisjs/lucid/orm'

/**
 * A staff account linked to its account at the municipality's identity
 * provider (issuer + subject), made on the first sign-in by a verified
 * e-mail address; later sign-ins match on issuer + subject only.
 */
export default class StaffUpstreamLink extends BaseModel {
  static table = 'staff_upstream_links'

  @column({ isPrimary: true })
  declare id: number

  @column()
  declare municipalityId: number

  @column()
  declare userId: number

  @column()
  declare issuer: string

  @column()
  declare subject: string

  @column.dateTime({ autoCreate: true })
  declare createdAt: DateTime

  @column.dateTime()
  declare lastUsedAt: DateTime | null
}
