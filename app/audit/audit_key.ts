import env from '#start/env'

/**
 * The audit chain's HMAC key, from the environment (never the database).
 * start/env.ts refuses to boot without it.
 */
export function auditHmacKey(): string {
  return env.get('AUDIT_HMAC_KEY').release()
}
