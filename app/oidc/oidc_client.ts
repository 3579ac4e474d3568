import { DateTime } from 'luxon'
import { BaseModel, column } from '@adonisjs/lucid/orm'
import { jsonColumn } from '#shared/json_column'

export type OidcClientType = 'confidential' | 'public'

/**
 * A relying party a municipality registered: one of its services that
 * signs residents in through Tomoni (a nursery booking site, a checkup
 * portal). Found only by that municipality's issuer.
 */
export default class OidcClient extends BaseModel {
  @column({ isPrimary: true })
  declare id: number

  @column()
  declare municipalityId: number

  @column()
  declare clientId: string

  @column()
  declare name: string

  /** A few characters the consent page shows in place of a logo */
  @column()
  declare logoText: string | null

  @column(jsonColumn)
  declare redirectUris: string[]

  @column(jsonColumn)
  declare postLogoutRedirectUris: string[]

  @column(jsonColumn)
  declare allowedScopes: string[]

  @column()
  declare type: OidcClientType

  /** sha256 (hex) of a confidential client's secret; the secret itself is never kept */
  @column({ serializeAs: null })
  declare secretHash: string | null

  @column()
  declare backchannelLogoutUri: string | null

  @column.dateTime()
  declare disabledAt: DateTime | null

  @column.dateTime({ autoCreate: true })
  declare createdAt: DateTime

  @column.dateTime({ autoCreate: true, autoUpdate: true })
  declare updatedAt: DateTime

  /** The client metadata oidc-provider reads (its secret compared by hash: oidc_providers.ts) */
  toProviderMetadata() {
    const metadata: Record<string, unknown> = {
      client_id: this.clientId,
      client_name: this.name,
      redirect_uris: this.redirectUris,
      post_logout_redirect_uris: this.postLogoutRedirectUris,
      scope: this.allowedScopes.join(' '),
      grant_types: this.allowedScopes.includes('offline_access')
        ? ['authorization_code', 'refresh_token']
        : ['authorization_code'],
      response_types: ['code'],
      subject_type: 'pairwise',
      token_endpoint_auth_method: this.type === 'public' ? 'none' : 'client_secret_basic',
    }
    // oidc-provider wants a secret for a confidential client: it gets the
    // hash, and compares what the client sends by hashing it first.
    if (this.type === 'confidential') metadata.client_secret = this.secretHash
    if (this.backchannelLogoutUri) {
      metadata.backchannel_logout_uri = this.backchannelLogoutUri
      metadata.backchannel_logout_session_required = true
    }
    return metadata
  }
}
