import type { HttpContext } from '@adonisjs/core/http'
import type User from '#identity/user'
import Membership, { SECOND_FACTOR_ROLES } from '#identity/membership'
import Municipality from '#tenancy/municipality'
import type { LocalSignInRefusal, SignInOption } from '#identity/sign_in_extensions'
import StaffSignInProvider from '#staff_sign_in/staff_sign_in_provider'
import { MUNICIPAL_STAFF_ROLES } from '#staff_sign_in/upstream_sign_in'

/**
 * Refuses the local password (and sign-in link) to an account whose only
 * staff roles are in municipalities that sign their staff in through their
 * own identity provider only. Residents, operators and provider staff keep
 * their password.
 */
export async function localSignInGate(user: User): Promise<LocalSignInRefusal | null> {
  const staff = await Membership.query()
    .where('user_id', user.id)
    .whereIn('role', SECOND_FACTOR_ROLES)
  if (staff.length === 0) return null
  const municipal = new Set<string>(MUNICIPAL_STAFF_ROLES)
  if (staff.some((membership) => !municipal.has(membership.role) || !membership.municipalityId)) {
    return null
  }
  const ids = [...new Set(staff.map((membership) => membership.municipalityId!))]
  const closed = await StaffSignInProvider.query()
    .whereIn('municipality_id', ids)
    .where('password_sign_in_off', true)
  if (closed.length < ids.length) return null
  const municipality = await Municipality.findOrFail(closed[0].municipalityId)
  return {
    message: 'staff_sign_in.password_off',
    values: { municipality_ja: municipality.nameJa, municipality_en: municipality.nameEn },
  }
}

/**
 * The municipalities whose staff may sign in through their own identity
 * provider, as buttons of the sign-in page.
 */
export async function upstreamSignInOptions(ctx: HttpContext): Promise<SignInOption[]> {
  const providers = await StaffSignInProvider.query().select('municipality_id')
  if (providers.length === 0) return []
  const municipalities = await Municipality.query()
    .whereIn(
      'id',
      providers.map((provider) => provider.municipalityId)
    )
    .orderBy('code')
  return municipalities.map((municipality) => ({
    label: ctx.i18n.t('staff_sign_in.sign_in_with', {
      municipality: municipality.nameIn(ctx.i18n.locale),
    }),
    href: `/staff-sign-in/${encodeURIComponent(municipality.slug)}`,
  }))
}
