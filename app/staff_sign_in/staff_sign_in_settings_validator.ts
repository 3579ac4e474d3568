import vine from '@vinejs/vine'

/** A claim name as providers write them (email, preferred_username, upn, employee_id) */
const CLAIM_NAME = /^[A-Za-z][\w.:-]{0,99}$/

export const staffSignInSettingsValidator = vine.compile(
  vine.object({
    issuer: vine
      .string()
      .trim()
      .maxLength(500)
      .url({ require_tld: false, require_protocol: true, protocols: ['https', 'http'] }),
    client_id: vine.string().trim().minLength(1).maxLength(255),
    // Blank keeps the secret already set
    client_secret: vine.string().trim().maxLength(2000).optional(),
    identifier_claim: vine.string().trim().regex(CLAIM_NAME),
    trust_mfa: vine.boolean(),
    mfa_acr_values: vine.string().trim().maxLength(500).optional(),
    password_sign_in_off: vine.boolean(),
  })
)
