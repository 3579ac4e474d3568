import vine from '@vinejs/vine'

/**
 * A six-digit code from the authenticator app, or a recovery code
 * (XXXXX-XXXXX). Spaces are forgiven.
 */
export const secondFactorValidator = vine.compile(
  vine.object({
    otp: vine
      .string()
      .trim()
      .regex(/^(\d ?){6}$|^[0-9A-Fa-f]{5}-?[0-9A-Fa-f]{5}$/)
      .transform((value) => value.replaceAll(' ', '')),
  })
)
