import AuditTrail from '#audit/audit_trail'
import { staffEvent, type StaffAction } from '#audit/staff_action'
import type Resident from '#residents/resident'
import OidcClient from '#oidc/oidc_client'
import OidcGrants from '#oidc/oidc_grants'
import OidcClientRegistry from '#oidc/oidc_client_registry'
import { OIDC_SCOPES } from '#oidc/oidc_clients'

/** One service a resident allowed: what it receives, since when, last used */
export type LinkedService = {
  id: number
  name: string
  logoText: string | null
  scopes: string[]
  allowedAt: string | null
  lastUsedAt: string | null
  disabled: boolean
}

/**
 * 連携しているサービス: the services (clients) a resident allowed, from
 * the grants oidc-provider keeps for them in their municipality; revoking
 * ends the grant and every token issued under it.
 */
export default class OidcLinkedServices {
  #grants: OidcGrants

  constructor(readonly resident: Resident) {
    this.#grants = new OidcGrants(resident.municipalityId)
  }

  async list(): Promise<LinkedService[]> {
    const grants = await this.#grants.find({ accountId: String(this.resident.id) })
    if (!grants.length) return []
    const clients = await OidcClient.query()
      .where('municipality_id', this.resident.municipalityId)
      .whereIn(
        'client_id',
        grants.map((grant) => grant.clientId)
      )
    const byClientId = new Map(clients.map((client) => [client.clientId, client]))
    const lastUsed = await new OidcClientRegistry(this.resident.municipalityId, {
      actorUserId: null,
      actorRole: null,
      source: { channel: 'web' },
    }).lastUsed(
      clients.map((client) => client.clientId),
      this.resident.id
    )
    const services = new Map<number, LinkedService>()
    for (const grant of grants) {
      const client = byClientId.get(grant.clientId)
      if (!client) continue
      const allowedAt = grant.iat ? new Date(grant.iat * 1000).toISOString() : null
      const known = services.get(client.id)
      const scopes = new Set([...(known?.scopes ?? []), ...grant.scopes])
      services.set(client.id, {
        id: client.id,
        name: client.name,
        logoText: client.logoText,
        scopes: OIDC_SCOPES.filter((scope) => scopes.has(scope)),
        allowedAt: [known?.allowedAt, allowedAt].filter(Boolean).sort()[0] ?? null,
        lastUsedAt: lastUsed.get(client.clientId) ?? null,
        disabled: Boolean(client.disabledAt),
      })
    }
    return [...services.values()].sort((a, b) => a.name.localeCompare(b.name, 'ja'))
  }

  /** The client of a grant of this resident's, by its row id; null when none */
  async linkedClient(oidcClientId: number) {
    const client = await OidcClient.query()
      .where('municipality_id', this.resident.municipalityId)
      .where('id', oidcClientId)
      .first()
    if (!client) return null
    const grants = await this.#grants.find({
      clientId: client.clientId,
      accountId: String(this.resident.id),
    })
    return grants.length ? { client, grants } : null
  }

  /** Ends every grant of this resident's to the client, and its tokens; audited */
  async revoke(
    linked: NonNullable<Awaited<ReturnType<OidcLinkedServices['linkedClient']>>>,
    by: StaffAction
  ) {
    for (const grant of linked.grants) await this.#grants.revoke(grant.id)
    await AuditTrail.record(
      staffEvent(this.resident.municipalityId, by, {
        action: 'oidc.grant_revoked',
        subjectResidentId: this.resident.id,
        purpose: 'service_linkage',
        details: {
          oidc_client_id: linked.client.id,
          client_id: linked.client.clientId,
          grants: linked.grants.length,
        },
      })
    )
  }
}
