import { stdSerializers } from '@adonisjs/core/logger'

/**
 * Keys whose values are personal data or secrets: a log line never shows
 * them, at whatever depth up to three levels they appear (a request's
 * headers, a form's fields, a model's attributes).
 */
export const SENSITIVE_LOG_KEYS = [
  // secrets
  'password',
  'password_confirmation',
  'passwordConfirmation',
  'current_password',
  'currentPassword',
  'new_password',
  'newPassword',
  'otp',
  'totp',
  'totpSecret',
  'totp_secret',
  'secret',
  'token',
  'start_code',
  'startCode',
  'claim_code',
  'claimCode',
  'cookie',
  'set-cookie',
  'authorization',
  'x-xsrf-token',
  'x-csrf-token',
  // contacts
  'email',
  'phone',
  // names
  'name',
  'full_name',
  'fullName',
  'family_name',
  'familyName',
  'given_name',
  'givenName',
  'family_name_kana',
  'familyNameKana',
  'given_name_kana',
  'givenNameKana',
  'child_given_name',
  'childGivenName',
]

/** pino redact paths for the keys, at the top level and two levels below it */
export function redactPaths(keys: string[] = SENSITIVE_LOG_KEYS) {
  return keys.flatMap((key) => {
    const property = /^[A-Za-z_$][\w$]*$/.test(key) ? `.${key}` : `["${key}"]`
    const below = [`*${property}`, `*.*${property}`]
    // A line's own `name` is the logger's (pino's); a logged object's is a person's
    if (key === 'name') return below
    return [property.startsWith('.') ? key : property, ...below]
  })
}

/**
 * Error properties that carry the values of a query or a form (PostgreSQL's
 * `detail` says "Key (email)=(...) already exists"; a request body or the
 * query bindings may hold anything): an error is logged without them.
 */
const ERROR_PROPERTIES_WITH_VALUES = ['detail', 'bindings', 'parameters', 'body', 'data']

/**
 * A database error's message without the statement knex puts before it:
 * knex writes "<the SQL, its values filled in> - <the driver's message>",
 * and the values may be a resident's name or email.
 */
export function withoutQuery(message: string) {
  if (!/^\s*(select|insert|update|delete|with|create|alter|drop|pragma)\b/i.test(message)) {
    return message
  }
  const sqlite = message.indexOf(' - SQLITE_')
  const at = sqlite !== -1 ? sqlite : message.lastIndexOf(' - ')
  return at === -1 ? '[query failed]' : message.slice(at + 3)
}

/** pino's error serializer, less the properties and the query text that carry personal data */
export function serializeError(error: unknown) {
  if (!(error instanceof Error)) return error
  const serialized = stdSerializers.err(error) as Record<string, unknown>
  const strip = (node: Record<string, unknown>) => {
    for (const property of ERROR_PROPERTIES_WITH_VALUES) delete node[property]
    if (typeof node.message === 'string') {
      const message = withoutQuery(node.message)
      if (typeof node.stack === 'string') node.stack = node.stack.replace(node.message, message)
      node.message = message
    }
    if (node.cause && typeof node.cause === 'object') strip(node.cause as Record<string, unknown>)
  }
  strip(serialized)
  return serialized
}

/**
 * pino's logMethod hook: a line's message without a query's values (the
 * exception handler logs an error's message as the line's message).
 */
export function logMethodWithoutQueries(
  this: unknown,
  args: unknown[],
  method: (...args: unknown[]) => void
) {
  const at = typeof args[0] === 'string' ? 0 : 1
  if (typeof args[at] === 'string') args[at] = withoutQuery(args[at] as string)
  return method.apply(this, args)
}
