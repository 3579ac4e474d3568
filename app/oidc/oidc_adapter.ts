import db from '@adonisjs/lucid/services/db'
import OidcClient from '#oidc/oidc_client'

type Payload = Record<string, unknown> & {
  grantId?: string
  userCode?: string
  uid?: string
  consumed?: number
}

const TABLE = 'oidc_payloads'

/**
 * oidc-provider's storage on Lucid (SQLite and PostgreSQL alike), for one
 * municipality's provider: every row carries that municipality, and every
 * lookup asks for it, so one issuer never finds another's sessions,
 * grants, codes or tokens. Clients come from `oidc_clients`, the
 * municipality's own and not disabled only.
 */
export function lucidAdapterFor(municipalityId: number) {
  return class LucidOidcAdapter {
    constructor(readonly model: string) {}

    async upsert(id: string, payload: Payload, expiresIn?: number) {
      const row = {
        id,
        model: this.model,
        municipality_id: municipalityId,
        payload: JSON.stringify(payload),
        grant_id: payload.grantId ?? null,
        user_code: payload.userCode ?? null,
        uid: payload.uid ?? null,
        client_id: payload.clientId ?? null,
        account_id: payload.accountId ?? null,
        expires_at: expiresIn ? new Date(Date.now() + expiresIn * 1000) : null,
      }
      await db
        .knexQuery()
        .table(TABLE)
        .insert(row)
        .onConflict(['municipality_id', 'model', 'id'])
        .merge(['payload', 'grant_id', 'user_code', 'uid', 'client_id', 'account_id', 'expires_at'])
    }

    async find(id: string) {
      if (this.model === 'Client') return this.#findClient(id)
      return this.#findBy('id', id)
    }

    findByUid(uid: string) {
      return this.#findBy('uid', uid)
    }

    findByUserCode(userCode: string) {
      return this.#findBy('user_code', userCode)
    }

    async consume(id: string) {
      await this.#rows().where('id', id).update({ consumed_at: new Date() })
    }

    async destroy(id: string) {
      await this.#rows().where('id', id).delete()
    }

    async revokeByGrantId(grantId: string) {
      await db
        .from(TABLE)
        .where('municipality_id', municipalityId)
        .where('grant_id', grantId)
        .delete()
    }

    #rows() {
      return db.from(TABLE).where('municipality_id', municipalityId).where('model', this.model)
    }

    async #findBy(column: 'id' | 'uid' | 'user_code', value: string) {
      const row = await this.#rows().where(column, value).first()
      if (!row) return undefined
      const expiresAt = row.expires_at ? new Date(row.expires_at) : null
      if (expiresAt && expiresAt.getTime() <= Date.now()) return undefined
      const payload = JSON.parse(row.payload) as Payload
      if (row.consumed_at) {
        payload.consumed = Math.floor(new Date(row.consumed_at).getTime() / 1000)
      }
      return payload
    }

    async #findClient(clientId: string) {
      const client = await OidcClient.query()
        .where('municipality_id', municipalityId)
        .where('client_id', clientId)
        .whereNull('disabled_at')
        .first()
      return client?.toProviderMetadata()
    }
  }
}

/** Rows past their expiry: deleted by the oidc_prune job */
export async function deleteExpiredOidcPayloads(now = new Date()) {
  return db.from(TABLE).where('expires_at', '<', now).delete()
}
