import db from '@adonisjs/lucid/services/db'
import { lucidAdapterFor } from '#oidc/oidc_adapter'

/** A resident's grant to one client, as oidc-provider saved it */
export type StoredGrant = {
  id: string
  accountId: string
  clientId: string
  /** When the resident allowed it (seconds since the epoch) */
  iat: number | null
  scopes: string[]
}

type GrantPayload = {
  accountId?: string
  clientId?: string
  iat?: number
  openid?: { scope?: string }
  resources?: Record<string, string>
}

/**
 * The grants oidc-provider keeps for a municipality (rows of model
 * `Grant` in oidc_payloads): found by client or resident, and ended with
 * every token issued under them.
 */
export default class OidcGrants {
  constructor(readonly municipalityId: number) {}

  /** The live grants of one client, or of one resident, or both */
  async find(filter: { clientId?: string; accountId?: string }) {
    const query = db
      .from('oidc_payloads')
      .where('municipality_id', this.municipalityId)
      .where('model', 'Grant')
      .where((live) => live.whereNull('expires_at').orWhere('expires_at', '>', new Date()))
    if (filter.clientId) query.where('client_id', filter.clientId)
    if (filter.accountId) query.where('account_id', filter.accountId)
    const rows = await query
    return rows.map((row) => toGrant(row.id, JSON.parse(row.payload) as GrantPayload))
  }

  /**
   * Ends a grant: every code, access and refresh token issued under it
   * (the adapter's revokeByGrantId), then the grant itself, so the
   * service asks the resident's consent again next time.
   */
  async revoke(grantId: string) {
    const Adapter = lucidAdapterFor(this.municipalityId)
    await new Adapter('Grant').revokeByGrantId(grantId)
    await new Adapter('Grant').destroy(grantId)
  }

  /** Ends every grant of a client (disabled): the count ended */
  async revokeClient(clientId: string) {
    const grants = await this.find({ clientId })
    for (const grant of grants) await this.revoke(grant.id)
    return grants.length
  }
}

function toGrant(id: string, payload: GrantPayload): StoredGrant {
  const scopes = new Set(String(payload.openid?.scope ?? '').split(' '))
  for (const scope of Object.values(payload.resources ?? {})) {
    for (const one of String(scope).split(' ')) scopes.add(one)
  }
  scopes.delete('')
  return {
    id,
    accountId: String(payload.accountId ?? ''),
    clientId: String(payload.clientId ?? ''),
    iat: typeof payload.iat === 'number' ? payload.iat : null,
    scopes: [...scopes],
  }
}
