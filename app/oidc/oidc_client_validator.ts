import vine from '@vinejs/vine'
import type { FieldContext } from '@vinejs/vine/types'
import { OIDC_SCOPES } from '#oidc/oidc_clients'

const MAX_URIS = 10

/** Where a relying party may be sent: https, or http on this machine during development */
export function acceptableRedirect(uri: string) {
  let url: URL
  try {
    url = new URL(uri)
  } catch {
    return false
  }
  if (url.hash || url.username || url.password) return false
  if (url.protocol === 'https:') return Boolean(url.hostname)
  return url.protocol === 'http:' && ['localhost', '127.0.0.1', '[::1]'].includes(url.hostname)
}

/** The lines of a text area: one URI each, blank lines skipped */
export function lines(value: string) {
  return value
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter(Boolean)
}

/**
 * A text area of URIs, one a line: each https (http only for localhost),
 * no fragment; the first unacceptable one is named in the message.
 */
const uriLines = vine.createRule(
  (value: unknown, options: { max: number; oneHost?: boolean }, field: FieldContext) => {
    if (typeof value !== 'string') return
    const uris = lines(value)
    if (uris.length > options.max) {
      field.report('', 'uriCount', field, { max: options.max })
      return
    }
    const bad = uris.find((uri) => uri.length > 2000 || !acceptableRedirect(uri))
    if (bad) {
      field.report('', 'uriLines', field, { uri: bad.slice(0, 200) })
      return
    }
    // Pairwise subjects are per host (the sector): every redirect on one host
    if (options.oneHost && new Set(uris.map((uri) => new URL(uri).host)).size > 1) {
      field.report('', 'oneHost', field, {})
    }
  }
)

const uriList = (oneHost = false) =>
  vine
    .string()
    .trim()
    .maxLength(20_000)
    .use(uriLines({ max: MAX_URIS, oneHost }))

const settings = {
  name: vine.string().trim().minLength(1).maxLength(200),
  logo_text: vine.string().trim().maxLength(20).optional(),
  redirect_uris: uriList(true).minLength(1),
  post_logout_redirect_uris: uriList().optional(),
  backchannel_logout_uri: vine
    .string()
    .trim()
    .maxLength(2000)
    .use(uriLines({ max: 1 }))
    .optional(),
  allowed_scopes: vine.array(vine.enum(OIDC_SCOPES)).minLength(1).distinct(),
}

/** Registering a client: its settings and its type */
export const registerOidcClientValidator = vine.compile(
  vine.object({ ...settings, type: vine.enum(['confidential', 'public'] as const) })
)

/** Editing a client: its settings (the type stays as registered) */
export const updateOidcClientValidator = vine.compile(vine.object(settings))
