import { DateTime } from 'luxon'
import { BaseModel, column } from '@adonisjs/lucid/orm'

/**
 * A municipality's own identity provider (an OpenID Provider such as Entra
 * ID) through which its staff sign in. The client secret is kept encrypted
 * with APP_KEY and never leaves the server.
 */
export default class StaffSignInProvider extends BaseModel {
  static table = 'staff_sign_in_providers'

  @column({ isPrimary: true })
  declare id: number

  @column()
  declare municipalityId: number

  @column()
  declare issuer: string

  @column()
  declare clientId: string

  /** Encrypted (encryption service); decrypt only to talk to the provider */
  @column({ serializeAs: null })
  declare clientSecret: string

  /** The claim whose value is the staff member's e-mail address */
  @column()
  declare identifierClaim: string

  /** Whether a multi-factor sign-in at the provider stands for Tomoni's TOTP */
  @column({ consume: (value) => Boolean(value) })
  declare trustMfa: boolean

  /** acr values that count as multi-factor, space separated */
  @column()
  declare mfaAcrValues: string

  /** Staff of this municipality sign in only through the provider */
  @column({ consume: (value) => Boolean(value) })
  declare passwordSignInOff: boolean

  @column.dateTime({ autoCreate: true })
  declare createdAt: DateTime

  @column.dateTime({ autoCreate: true, autoUpdate: true })
  declare updatedAt: DateTime

  get acrValues() {
    return this.mfaAcrValues.split(/\s+/).filter(Boolean)
  }
}
