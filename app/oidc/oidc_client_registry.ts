import { randomBytes } from 'node:crypto'
import { DateTime } from 'luxon'
import db from '@adonisjs/lucid/services/db'
import type { TransactionClientContract } from '@adonisjs/lucid/types/database'
import AuditTrail from '#audit/audit_trail'
import { staffEvent, type StaffAction } from '#audit/staff_action'
import type { AuditAction } from '#audit/audit_vocabulary'
import OidcClient, { type OidcClientType } from '#oidc/oidc_client'
import OidcClients, { hashClientSecret } from '#oidc/oidc_clients'
import OidcGrants from '#oidc/oidc_grants'
import { chainKeyFor } from '#audit/audit_event_input'

/** What an administrator may set on a client (its type only when registering) */
export type OidcClientSettings = {
  name: string
  logoText: string | null
  redirectUris: string[]
  postLogoutRedirectUris: string[]
  backchannelLogoutUri: string | null
  allowedScopes: string[]
}

/** The actions that show a client was used: tokens issued or refreshed, userinfo read */
export const USE_ACTIONS: AuditAction[] = [
  'oidc.tokens_issued',
  'oidc.tokens_refreshed',
  'oidc.userinfo_read',
]

/**
 * A municipality's administrators manage its relying parties (連携サービス):
 * register, edit, disable (ending every grant and token), enable, rotate
 * the secret (shown once, kept as its hash). Every change is audited.
 */
export default class OidcClientRegistry {
  constructor(
    readonly municipalityId: number,
    readonly by: StaffAction
  ) {}

  list() {
    return OidcClient.query().where('municipality_id', this.municipalityId).orderBy('id', 'asc')
  }

  find(id: number) {
    return OidcClient.query().where('municipality_id', this.municipalityId).where('id', id).first()
  }

  /** When each client (by client id) last had tokens or userinfo */
  async lastUsed(clientIds: string[], residentId?: number) {
    if (!clientIds.length) return new Map<string, string>()
    const query = db
      .from('audit_events')
      .where('chain_key', chainKeyFor(this.municipalityId))
      .whereIn('action', USE_ACTIONS)
      .whereIn('destination', clientIds)
      .groupBy('destination')
      .select('destination')
      .max('occurred_at as last')
    if (residentId) query.where('subject_resident_id', residentId)
    const rows = await query
    return new Map(
      rows.map((row) => [String(row.destination), toIso(row.last)] as [string, string])
    )
  }

  async register(settings: OidcClientSettings, type: OidcClientType) {
    return db.transaction(async (trx) => {
      const created = await OidcClients.create(
        { municipalityId: this.municipalityId, ...settings, type },
        trx
      )
      await this.#audit(trx, 'oidc_client.registered', created.client, {
        type,
        scope: created.client.allowedScopes.join(' '),
      })
      return created
    })
  }

  async update(client: OidcClient, settings: OidcClientSettings) {
    const changed = Object.entries(settings)
      .filter(
        ([key, value]) =>
          JSON.stringify(value) !== JSON.stringify(client[key as keyof OidcClientSettings])
      )
      .map(([key]) => key)
    if (!changed.length) return changed
    await db.transaction(async (trx) => {
      client.useTransaction(trx).merge(settings)
      await client.save()
      await this.#audit(trx, 'oidc_client.updated', client, {
        changed,
        scope: client.allowedScopes.join(' '),
      })
    })
    return changed
  }

  /** Disabled: the provider no longer finds it, and every grant and token of it ends */
  async disable(client: OidcClient) {
    if (client.disabledAt) return 0
    const grants = new OidcGrants(this.municipalityId)
    const live = await grants.find({ clientId: client.clientId })
    await db.transaction(async (trx) => {
      client.useTransaction(trx).disabledAt = DateTime.now()
      await client.save()
      await this.#audit(trx, 'oidc_client.disabled', client, { grants_ended: live.length })
    })
    // Found by the provider no more; then its grants and tokens end
    await grants.revokeClient(client.clientId)
    return live.length
  }

  async enable(client: OidcClient) {
    if (!client.disabledAt) return
    await db.transaction(async (trx) => {
      client.useTransaction(trx).disabledAt = null
      await client.save()
      await this.#audit(trx, 'oidc_client.enabled', client, {})
    })
  }

  /** A new secret for a confidential client: returned once, its hash kept; the old one stops */
  async rotateSecret(client: OidcClient) {
    if (client.type !== 'confidential') return null
    const secret = randomBytes(32).toString('base64url')
    await db.transaction(async (trx) => {
      client.useTransaction(trx).secretHash = hashClientSecret(secret)
      await client.save()
      await this.#audit(trx, 'oidc_client.secret_rotated', client, {})
    })
    return secret
  }

  #audit(
    trx: TransactionClientContract,
    action: AuditAction,
    client: OidcClient,
    details: Record<string, unknown>
  ) {
    return AuditTrail.record(
      staffEvent(this.municipalityId, this.by, {
        action,
        purpose: 'service_linkage',
        details: { oidc_client_id: client.id, client_id: client.clientId, ...details },
      }),
      trx
    )
  }
}

function toIso(value: unknown) {
  const date = value instanceof Date ? value : new Date(String(value))
  return Number.isNaN(date.getTime()) ? String(value) : date.toISOString()
}
