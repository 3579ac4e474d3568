import type { HttpContext } from '@adonisjs/core/http'
import type Membership from '#models/membership'

/**
 * The landing page after sign-in: the places this account may act in.
 * Each role's console arrives with its own issue.
 */
/**
 * The screens each role has so far; later consoles add theirs.
 */
function linksFor(membership: Membership): { label: string; href: string }[] {
  const slug = membership.municipality?.slug
  if (membership.role === 'platform_operator') {
    return [{ label: 'ui.home.links.operator', href: '/operator/municipalities' }]
  }
  if (membership.role === 'municipal_admin' && slug) {
    return [
      { label: 'ui.home.links.staff', href: `/m/${slug}/residents` },
      { label: 'ui.home.links.audit', href: `/m/${slug}/audit` },
    ]
  }
  if (membership.role === 'municipal_staff' && slug) {
    return [{ label: 'ui.home.links.staff', href: `/m/${slug}/residents` }]
  }
  return []
}

export default class HomeController {
  async show({ auth, inertia, i18n }: HttpContext) {
    const user = auth.getUserOrFail()
    await user.load('memberships', (query) => query.preload('municipality').preload('provider'))
    return inertia.render('home', {
      memberships: user.memberships.map((membership) => ({
        id: membership.id,
        role: membership.role,
        municipality: membership.municipality?.nameIn(i18n.locale) ?? null,
        provider: membership.provider?.nameIn(i18n.locale) ?? null,
        links: linksFor(membership),
      })),
    })
  }
}
