import { randomBytes } from 'node:crypto'
import type { TransactionClientContract } from '@adonisjs/lucid/types/database'
import OidcClient, { type OidcClientType } from '#oidc/oidc_client'
import { sha256Hex } from '#shared/sha256'

/** The scopes a municipality's client may be allowed to ask for */
export const OIDC_SCOPES = [
  'openid',
  'offline_access',
  'profile',
  'email',
  'phone',
  'tomoni:balances',
] as const

export type NewOidcClient = {
  municipalityId: number
  name: string
  logoText?: string | null
  redirectUris: string[]
  postLogoutRedirectUris?: string[]
  allowedScopes: string[]
  type: OidcClientType
  backchannelLogoutUri?: string | null
  /** A chosen client id (the demo's); a random one otherwise */
  clientId?: string
}

/**
 * Registers the relying parties of a municipality. A confidential
 * client's secret is returned once, here, and only its hash is kept.
 */
export default class OidcClients {
  static async create(input: NewOidcClient, trx?: TransactionClientContract) {
    const secret = input.type === 'confidential' ? randomBytes(32).toString('base64url') : null
    const client = await OidcClient.create(
      {
        municipalityId: input.municipalityId,
        clientId: input.clientId ?? `tomoni-${randomBytes(12).toString('base64url')}`,
        name: input.name,
        logoText: input.logoText ?? null,
        redirectUris: input.redirectUris,
        postLogoutRedirectUris: input.postLogoutRedirectUris ?? [],
        allowedScopes: input.allowedScopes.filter((scope) =>
          (OIDC_SCOPES as readonly string[]).includes(scope)
        ),
        type: input.type,
        secretHash: secret ? hashClientSecret(secret) : null,
        backchannelLogoutUri: input.backchannelLogoutUri ?? null,
      },
      trx ? { client: trx } : undefined
    )
    return { client, secret }
  }
}

export function hashClientSecret(secret: string) {
  return sha256Hex(secret)
}
