import { type KeyObject, createHmac, createSecretKey } from 'node:crypto'
import { sha256Hex } from '#shared/sha256'

/**
 * How a link of the chain is computed: keyed (HMAC-SHA256 with
 * AUDIT_HMAC_KEY, every event since the chain was keyed) or, for events
 * written before that upgrade, bare SHA-256.
 */
export type ChainAlgorithm = 'sha256' | 'hmac-sha256'
export const KEYED: ChainAlgorithm = 'hmac-sha256'

/**
 * The stored row as it is hashed. Every value is text or null, so the same
 * row hashes the same on SQLite and PostgreSQL whatever types each driver
 * returns (bigint ids as strings, timestamps as numbers or Dates).
 */
export type CanonicalAuditRow = {
  chain_key: string
  sequence: string
  municipality_id: string | null
  occurred_at: string
  action: string
  outcome: string
  actor_user_id: string | null
  actor_role: string | null
  subject_resident_id: string | null
  purpose: string | null
  source_ip: string | null
  source_user_agent: string | null
  source_channel: string
  destination: string | null
  details: string
}

/** The hashed fields, in the order they are hashed */
export const FIELDS: readonly (keyof CanonicalAuditRow)[] = [
  'chain_key',
  'sequence',
  'municipality_id',
  'occurred_at',
  'action',
  'outcome',
  'actor_user_id',
  'actor_role',
  'subject_resident_id',
  'purpose',
  'source_ip',
  'source_user_agent',
  'source_channel',
  'destination',
  'details',
]

function text(value: unknown): string | null {
  return value === null || value === undefined ? null : String(value)
}

function isoTimestamp(value: unknown): string {
  const date = value instanceof Date ? value : new Date(value as string | number)
  return date.toISOString()
}

/**
 * Normalizes a row read back from either database to its canonical form.
 */
export function canonicalRow(row: Record<string, unknown>): CanonicalAuditRow {
  const canonical = {} as Record<string, string | null>
  for (const field of FIELDS) {
    canonical[field] = field === 'occurred_at' ? isoTimestamp(row[field]) : text(row[field])
  }
  return canonical as CanonicalAuditRow
}

/**
 * hash = HMAC-SHA256(key, prev_hash || canonical JSON of the row, fields in
 * fixed order); without a key (events from before the chain was keyed),
 * sha256 of the same text.
 */
export function auditHash(prevHash: string, row: CanonicalAuditRow, key: string | null) {
  return linkHash(prevHash + canonicalText(row), key)
}

/**
 * The same hash, straight from a stored row (as either driver returns it):
 * auditRowHash(prev, row, key) === auditHash(prev, canonicalRow(row), key).
 * The verifier calls it once per event, so it writes the canonical text
 * without building the canonical row.
 */
export function auditRowHash(
  prevHash: string,
  row: Record<string, unknown>,
  key: string | KeyObject | null
) {
  return linkHash(prevHash + canonicalText(row), key)
}

/**
 * The HMAC key prepared once, for hashing many rows (the same MAC as the
 * text key: its UTF-8 bytes).
 */
export function hmacKeyObject(key: string): KeyObject {
  return createSecretKey(Buffer.from(key, 'utf8'))
}

function linkHash(linked: string, key: string | KeyObject | null) {
  if (key === null) return sha256Hex(linked)
  return createHmac('sha256', key).update(linked).digest('hex')
}

/**
 * JSON.stringify(FIELDS.map((field) => [field, canonicalRow(row)[field]])),
 * written directly: the fixed parts are spelled out once, and only text
 * that may need escaping goes through JSON.stringify. An ISO timestamp and
 * a number's digits never need it.
 */
const PARTS = FIELDS.map((field, index) => ({
  field,
  opening: `${index === 0 ? '[' : '],'}[${JSON.stringify(field)},`,
}))

function canonicalText(row: Record<string, unknown>): string {
  let canonical = ''
  for (const { field, opening } of PARTS) {
    const value = row[field]
    canonical += opening
    if (field === 'occurred_at') canonical += `"${isoTimestamp(value)}"`
    else if (value === null || value === undefined) canonical += 'null'
    else if (typeof value === 'string') canonical += JSON.stringify(value)
    else if (typeof value === 'number' || typeof value === 'bigint') canonical += `"${value}"`
    else canonical += JSON.stringify(String(value))
  }
  return canonical + ']]'
}

/** The hashed fields that hold numbers (written as JSON strings of their digits) */
const NUMBER_FIELDS = new Set<string>([
  'sequence',
  'municipality_id',
  'actor_user_id',
  'subject_resident_id',
])

/**
 * An SQL expression that builds canonicalText(row) in the database, so the
 * verifier reads one text column instead of fifteen. It is only a faster
 * way to the same text: where the database writes a value differently
 * (a timestamp stored as text on SQLite, microseconds on PostgreSQL), the
 * link does not match and the verifier hashes the row's own columns with
 * canonicalText, which stays the definition. NULL when the expression
 * cannot tell (SQLite: a timestamp that is not a number).
 */
export function canonicalTextSql(dialect: string): string {
  const postgres = dialect === 'postgres'
  const quoted = (column: string) =>
    postgres ? `COALESCE(to_json("${column}")::text, 'null')` : `json_quote("${column}")`
  const number = (column: string) => `COALESCE('"' || "${column}" || '"', 'null')`
  const timestamp = postgres
    ? `'"' || to_char("occurred_at" AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') || '"'`
    : `CASE WHEN typeof("occurred_at") = 'integer' ` +
      `THEN '"' || strftime('%Y-%m-%dT%H:%M:%fZ', "occurred_at" / 1000.0, 'unixepoch') || '"' END`
  const parts = PARTS.map(({ field, opening }) => {
    const value =
      field === 'occurred_at' ? timestamp : NUMBER_FIELDS.has(field) ? number(field) : quoted(field)
    return `'${opening.replaceAll("'", "''")}' || ${value}`
  })
  return `(${parts.join(' || ')} || ']]')`
}

/**
 * The link from canonical text already written (by canonicalTextSql):
 * linkedHash(prev, text, key) === auditRowHash(prev, row, key) when text is
 * canonicalText(row).
 */
export function linkedHash(prevHash: string, canonical: string, key: string | KeyObject | null) {
  return linkHash(prevHash + canonical, key)
}

/**
 * JSON with keys sorted at every level: the same details always serialize
 * to the same text.
 */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (_, child) =>
    child && typeof child === 'object' && !Array.isArray(child)
      ? Object.fromEntries(
          Object.keys(child)
            .sort()
            .map((key) => [key, child[key]])
        )
      : child
  )
}
