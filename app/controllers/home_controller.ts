import type { HttpContext } from '@adonisjs/core/http'

/**
 * The landing page after sign-in: the places this account may act in.
 * Each role's console arrives with its own issue.
 */
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
      })),
    })
  }
}
