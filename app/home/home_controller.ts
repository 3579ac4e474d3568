import type { HttpContext } from '@adonisjs/core/http'
import { hasOnlyResidentRoles, type default as Membership } from '#identity/membership'
import Resident from '#residents/resident'
import ResidentAppPolicy from '#residents/resident_app_policy'
import Municipality from '#tenancy/municipality'
import Provider from '#tenancy/provider'
import TenantContext from '#tenancy/tenant_context'
import ConsolePolicy from '#tenancy/console_policy'
import PlatformPolicy from '#operator/platform_policy'
import AuditTrailPolicy from '#audit_viewer/audit_trail_policy'
import ResidentOverview from '#home/resident_overview'

type Link = { label: string; href: string }

/**
 * The landing page after sign-in: the places this account may act in and,
 * for a resident, every program's hours. A link shows exactly when the
 * policy of the screen it opens lets this membership in.
 */
export default class HomeController {
  async show({ auth, bouncer, inertia, i18n }: HttpContext) {
    const user = auth.getUserOrFail()
    await user.load('memberships', (query) => query.whereNull('disabled_at'))
    // Membership (identity) knows no municipality or provider (tenancy): their names by id
    const municipalityIds = user.memberships.flatMap(
      (membership) => membership.municipalityId ?? []
    )
    const providerIds = user.memberships.flatMap((membership) => membership.providerId ?? [])
    const municipalityRows = municipalityIds.length
      ? await Municipality.findMany(municipalityIds)
      : []
    const providerRows = providerIds.length ? await Provider.findMany(providerIds) : []
    const municipalities = new Map(municipalityRows.map((row) => [row.id, row]))
    const providers = new Map(providerRows.map((row) => [row.id, row]))

    const linksFor = async (membership: Membership): Promise<Link[]> => {
      const municipality = municipalities.get(membership.municipalityId ?? 0)
      if (!municipality) {
        const operates = await bouncer.with(PlatformPolicy).allows('operate')
        return operates
          ? [
              { label: 'ui.home.links.operator', href: '/operator/municipalities' },
              { label: 'ui.home.links.operator_alerts', href: '/operator/alerts' },
            ]
          : []
      }
      const tenant = new TenantContext(municipality, [membership])
      const base = `/m/${municipality.slug}`
      const links: Link[] = []
      if (await bouncer.with(ConsolePolicy).allows('staff', tenant)) {
        links.push({ label: 'ui.home.links.staff', href: `${base}/residents` })
      }
      if (await bouncer.with(AuditTrailPolicy).allows('read', tenant)) {
        links.push({ label: 'ui.home.links.audit', href: `${base}/audit` })
      }
      if (await bouncer.with(ConsolePolicy).allows('provider', tenant)) {
        links.push({ label: 'ui.home.links.provider', href: `${base}/provider` })
      }
      return links
    }

    // A resident's home: per municipality where the account may use the
    // resident pages with its own record, every program's hours.
    const records = await Resident.query().where('user_id', user.id).orderBy('municipality_id')
    // A resident's municipality is one of their memberships' (read above) but for a stale membership
    for (const record of records) {
      const known = municipalities.get(record.municipalityId)
      if (known) record.$setRelated('municipality', known)
      else await record.load('municipality')
    }
    const residentAreas = []
    for (const record of records) {
      const memberships = user.memberships.filter(
        (membership) => membership.municipalityId === record.municipalityId
      )
      const tenant = new TenantContext(record.municipality, memberships)
      if (!(await bouncer.with(ResidentAppPolicy).allows('act', tenant, record))) continue
      const overview = await new ResidentOverview(record.municipalityId, i18n.locale).of(record.id)
      residentAreas.push({
        slug: record.municipality.slug,
        municipality: record.municipality.nameIn(i18n.locale),
        ...overview,
      })
    }

    const memberships = []
    for (const membership of user.memberships) {
      memberships.push({
        id: membership.id,
        role: membership.role,
        municipality:
          municipalities.get(membership.municipalityId ?? 0)?.nameIn(i18n.locale) ?? null,
        provider: providers.get(membership.providerId ?? 0)?.nameIn(i18n.locale) ?? null,
        links: await linksFor(membership),
      })
    }

    return inertia.render('home/index', {
      memberships,
      residentAreas,
      // Signed up, but neither linked to a record nor given another role:
      // the two ways in (claim a record staff made, or apply from scratch).
      welcome: residentAreas.length === 0 && hasOnlyResidentRoles(user.memberships),
    })
  }
}
