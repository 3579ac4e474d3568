import { generateKeyPairSync, randomBytes } from 'node:crypto'
import db from '@adonisjs/lucid/services/db'
import encryption from '@adonisjs/core/services/encryption'

const TABLE = 'oidc_signing_keys'
const ALGORITHMS = [
  { alg: 'RS256', generate: () => generateKeyPairSync('rsa', { modulusLength: 2048 }) },
  { alg: 'ES256', generate: () => generateKeyPairSync('ec', { namedCurve: 'P-256' }) },
] as const

/**
 * A retired key stays in the JWKS this long: longer than any token it
 * signed lives (ID tokens 1 hour, JWT access tokens 10 minutes), so a
 * relying party can still check every token issued before a rotation.
 */
export const RETIRED_KEY_KEPT_MS = 24 * 3600 * 1000

export type SigningJwk = Record<string, unknown> & { kid: string; alg: string }

/**
 * The platform's token-signing keys (RS256 and ES256): generated on first
 * use, stored with their private part encrypted under APP_KEY. The current
 * keys sign; retired ones are only published until their tokens expired.
 */
export default class OidcSigningKeys {
  /** The keys for oidc-provider's `jwks`, current ones first (they sign) */
  static async jwks(): Promise<{ keys: SigningJwk[] }> {
    let rows = await this.#rows()
    if (!rows.some((row) => !row.retired_at)) {
      await this.#addCurrent()
      rows = await this.#rows()
    }
    const ordered = [
      ...rows.filter((row) => !row.retired_at),
      ...rows.filter((row) => row.retired_at),
    ]
    return {
      keys: ordered.map((row) => ({
        ...(encryption.decrypt<Record<string, unknown>>(row.private_jwk) ?? {}),
        kid: String(row.kid),
        alg: String(row.alg),
        use: 'sig',
      })),
    }
  }

  /** A fingerprint of the published key set: a provider is rebuilt when it changes */
  static async fingerprint() {
    const rows = await db.from(TABLE).select('kid', 'retired_at').orderBy('id')
    return rows.map((row) => `${row.kid}:${row.retired_at ? 'r' : 'c'}`).join(',')
  }

  /**
   * New current keys; the previous ones retire (still published), and
   * keys retired longer ago than RETIRED_KEY_KEPT_MS are dropped.
   */
  static async rotate(now = new Date()) {
    return db.transaction(async (trx) => {
      const dropped = await trx
        .from(TABLE)
        .whereNotNull('retired_at')
        .where('retired_at', '<', new Date(now.getTime() - RETIRED_KEY_KEPT_MS))
        .delete()
      await trx.from(TABLE).whereNull('retired_at').update({ retired_at: now })
      const added = await this.#addCurrent(trx)
      return { added, dropped: Number(Array.isArray(dropped) ? dropped.length : dropped) }
    })
  }

  static #rows() {
    return db.from(TABLE).orderBy('id', 'desc')
  }

  static async #addCurrent(client: { table: typeof db.table } = db) {
    const kids: string[] = []
    for (const { alg, generate } of ALGORITHMS) {
      const { privateKey } = generate()
      const kid = `${alg.toLowerCase()}-${randomBytes(9).toString('base64url')}`
      await client.table(TABLE).insert({
        kid,
        alg,
        private_jwk: encryption.encrypt(privateKey.export({ format: 'jwk' })),
        retired_at: null,
        created_at: new Date(),
      })
      kids.push(kid)
    }
    return kids
  }
}
