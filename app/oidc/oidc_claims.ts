import Resident from '#residents/resident'
import User from '#identity/user'

/** The claims each scope releases (oidc-provider's `claims`) */
export const SCOPE_CLAIMS = {
  'openid': ['sub'],
  'profile': ['name', 'name_kana'],
  'email': ['email', 'email_verified'],
  'phone': ['phone_number'],
  // The resident's own program balances, read through the API (issue 20): no claim
  'tomoni:balances': [],
} as const

/**
 * The resident of this municipality behind an account id (oidc-provider's
 * accountId is the resident record's id), with their claims; undefined for
 * any other municipality's resident.
 */
export async function residentAccount(municipalityId: number, accountId: string) {
  if (!/^\d{1,12}$/.test(accountId)) return undefined
  const resident = await Resident.query()
    .where('id', Number(accountId))
    .where('municipality_id', municipalityId)
    .whereNotNull('user_id')
    .first()
  if (!resident) return undefined
  const user = await User.find(resident.userId!)
  if (!user || user.disabledAt) return undefined
  return {
    resident,
    claims: {
      name: `${resident.familyName} ${resident.givenName}`,
      name_kana: `${resident.familyNameKana} ${resident.givenNameKana}`,
      email: user.email,
      email_verified: Boolean(user.emailVerifiedAt),
      ...(resident.phone ? { phone_number: resident.phone } : {}),
    },
  }
}
