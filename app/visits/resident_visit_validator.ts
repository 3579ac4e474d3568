import vine from '@vinejs/vine'
import type { VisitCredential } from '#visits/visit_tokens'

/** A visit token as the QR carries it (base64url, 256 bits) */
export const VISIT_TOKEN_PATTERN = /^[\w-]{20,100}$/
/** The 8-digit short code for typing in by hand */
export const SHORT_CODE_PATTERN = /^\d{8}$/

/**
 * Which visit the resident means: the token of the scanned QR, or the
 * short code typed in. Full-width digits, spaces and hyphens are forgiven
 * (a Japanese keyboard types them). `missing` when neither was sent,
 * `invalid` when what was sent cannot be one.
 */
export function visitCredentialFrom(input: {
  token?: unknown
  code?: unknown
}): VisitCredential | 'missing' | 'invalid' {
  const token = typeof input.token === 'string' ? input.token.trim() : ''
  if (token) return VISIT_TOKEN_PATTERN.test(token) ? { token } : 'invalid'
  const code =
    typeof input.code === 'string'
      ? input.code
          .replace(/[０-９]/g, (digit) => String.fromCharCode(digit.charCodeAt(0) - 0xfee0))
          .replace(/[\s\-－ー]/g, '')
      : ''
  if (code) return SHORT_CODE_PATTERN.test(code) ? { shortCode: code } : 'invalid'
  return 'missing'
}

/** The survey: "not this time", or answers to the plugin's questions */
export const surveyChoiceValidator = vine.compile(
  vine.object({
    decline: vine.boolean().optional(),
  })
)
