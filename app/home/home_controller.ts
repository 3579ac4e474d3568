import type { HttpContext } from '@adonisjs/core/http'
import type Membership from '#identity/membership'
import Resident from '#residents/resident'
import Municipality from '#tenancy/municipality'
import Provider from '#tenancy/provider'
import ResidentOverview from '#home/resident_overview'

/**
 * The screens each role has so far on the landing page; later consoles
 * add theirs.
 */
function linksFor(
  membership: Membership,
  slug: string | undefined
): { label: string; href: string }[] {
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
  if ((membership.role === 'provider_admin' || membership.role === 'provider_staff') && slug) {
    return [{ label: 'ui.home.links.provider', href: `/m/${slug}/provider` }]
  }
  return []
}

/**
 * The landing page after sign-in: the places this account may act in and,
 * for a resident, every program's hours.
 */
export default class HomeController {
  async show({ auth, inertia, i18n }: HttpContext) {
    const user = auth.getUserOrFail()
    await user.load('memberships', (query) => query.whereNull('disabled_at'))
    // Membership (identity) knows no municipality or provider (tenancy): their names by id
    const municipalityRows = await Municipality.findMany(
      user.memberships.flatMap((membership) => membership.municipalityId ?? [])
    )
    const providerRows = await Provider.findMany(
      user.memberships.flatMap((membership) => membership.providerId ?? [])
    )
    const municipalities = new Map(municipalityRows.map((row) => [row.id, row]))
    const providers = new Map(providerRows.map((row) => [row.id, row]))

    // A resident's home: per municipality where the account holds its own
    // resident record (and the resident role), every program's hours.
    const residentIn = new Set(
      user.memberships
        .filter((membership) => membership.role === 'resident')
        .map((membership) => membership.municipalityId)
    )
    const records = await Resident.query()
      .where('user_id', user.id)
      .preload('municipality')
      .orderBy('municipality_id')
    const residentAreas = []
    for (const record of records.filter((row) => residentIn.has(row.municipalityId))) {
      const overview = await new ResidentOverview(record.municipalityId, i18n.locale).of(record.id)
      residentAreas.push({
        slug: record.municipality.slug,
        municipality: record.municipality.nameIn(i18n.locale),
        ...overview,
      })
    }

    return inertia.render('home', {
      memberships: user.memberships.map((membership) => ({
        id: membership.id,
        role: membership.role,
        municipality:
          municipalities.get(membership.municipalityId ?? 0)?.nameIn(i18n.locale) ?? null,
        provider: providers.get(membership.providerId ?? 0)?.nameIn(i18n.locale) ?? null,
        links: linksFor(membership, municipalities.get(membership.municipalityId ?? 0)?.slug),
      })),
      residentAreas,
      // Signed up, but neither linked to a record nor given another role:
      // the two ways in (claim a record staff made, or apply from scratch).
      welcome:
        residentAreas.length === 0 &&
        user.memberships.every((membership) => membership.role === 'resident'),
    })
  }
}
