/**
 * Socket errors of a connection to the database or Redis that never
 * opened, or broke.
 */
const CONNECTION_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EPIPE',
])

/**
 * PostgreSQL's own "not now" answers: class 08 (connection exception),
 * 57P01–57P03 (the server is shutting down, or starting).
 */
function isPostgresUnavailable(code: string) {
  return code.startsWith('08') || ['57P01', '57P02', '57P03'].includes(code)
}

/**
 * Errors that name a service that did not answer rather than a fault of
 * the request: no connection could be taken from the database pool in
 * time (knex's KnexTimeoutError), ioredis gave up on a command
 * (MaxRetriesPerRequestError), or a socket/connection code above. The
 * cause chain is followed, for errors that wrap the driver's.
 */
export function isServiceUnreachable(error: unknown): boolean {
  for (let current = error, depth = 0; current && depth < 5; depth++) {
    if (typeof current !== 'object') return false
    const { name, code, cause } = current as { name?: unknown; code?: unknown; cause?: unknown }
    if (name === 'KnexTimeoutError' || name === 'MaxRetriesPerRequestError') return true
    if (typeof code === 'string' && (CONNECTION_CODES.has(code) || isPostgresUnavailable(code))) {
      return true
    }
    current = cause
  }
  return false
}
