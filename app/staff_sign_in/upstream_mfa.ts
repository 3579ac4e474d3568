/**
 * Authentication method references (RFC 8176) that mean more than one
 * factor, or a factor Tomoni's TOTP stands for.
 */
export const MFA_AMR_VALUES = ['mfa', 'otp', 'hwk', 'swk', 'sc', 'fpt', 'face', 'iris', 'retina']

/**
 * Whether the identity provider says the person signed in with more than
 * one factor: an `amr` value of MFA_AMR_VALUES, or an `acr` the
 * municipality's administrator named as multi-factor.
 */
export function upstreamAssertsMfa(
  claims: { amr?: unknown; acr?: unknown },
  mfaAcrValues: string[]
) {
  const amr = Array.isArray(claims.amr) ? claims.amr : []
  if (amr.some((value) => typeof value === 'string' && MFA_AMR_VALUES.includes(value))) {
    return true
  }
  return typeof claims.acr === 'string' && mfaAcrValues.includes(claims.acr)
}
