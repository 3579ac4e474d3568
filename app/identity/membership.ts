import { DateTime } from 'luxon'
import { BaseModel, belongsTo, column } from '@adonisjs/lucid/orm'
import type { BelongsTo } from '@adonisjs/lucid/types/relations'
import User from '#identity/user'

export const ROLES = [
  'platform_operator',
  'municipal_admin',
  'municipal_staff',
  'provider_admin',
  'provider_staff',
  'resident',
] as const
export type Role = (typeof ROLES)[number]

export type ProviderStaffRole = 'provider_admin' | 'provider_staff'
/** The roles of a provider's staff, the administrator first */
export const PROVIDER_STAFF_ROLES: ProviderStaffRole[] = ['provider_admin', 'provider_staff']

/** The roles that must sign in with a second factor (TOTP): everyone but residents */
export const SECOND_FACTOR_ROLES: Role[] = [
  'platform_operator',
  'municipal_admin',
  'municipal_staff',
  ...PROVIDER_STAFF_ROLES,
]

/** An account that holds no role but resident (or none at all) */
export function hasOnlyResidentRoles(memberships: { role: Role }[]) {
  return memberships.every((membership) => membership.role === 'resident')
}

export default class Membership extends BaseModel {
  @column({ isPrimary: true })
  declare id: number

  @column()
  declare userId: number

  @column()
  declare municipalityId: number | null

  @column()
  declare providerId: number | null

  @column()
  declare role: Role

  /** Set when a provider administrator disabled this member of staff */
  @column.dateTime()
  declare disabledAt: DateTime | null

  @belongsTo(() => User)
  declare user: BelongsTo<typeof User>

  @column.dateTime({ autoCreate: true })
  declare createdAt: DateTime

  @column.dateTime({ autoCreate: true, autoUpdate: true })
  declare updatedAt: DateTime
}
