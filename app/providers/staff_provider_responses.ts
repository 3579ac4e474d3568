import type { HttpContext } from '@adonisjs/core/http'
import ProviderRegistry from '#providers/provider_registry'
import ProviderRefusal from '#providers/provider_refusal'

/*
| What the staff console's provider screens (registry, facilities,
| contracts, staff invitations) share: the provider named in the URL and
| the two answers to a form, saved or refused.
*/

/** The provider of this municipality named in the URL, or 404 */
export function providerInUrl({ tenant, params }: HttpContext) {
  return ProviderRegistry.find(tenant.municipalityId, Number(params.provider))
}

/** Saved: the notice (staff_providers.flash.<notice>), back to the provider's page */
export function providerSaved(
  ctx: HttpContext,
  providerId: number,
  notice: string,
  values: Record<string, string>
) {
  ctx.session.flash('notice', ctx.i18n.t(`staff_providers.flash.${notice}`, values))
  return ctx.response.redirect(`/m/${ctx.tenant.municipality.slug}/providers/${providerId}`)
}

/** A refusal of the registry: shown at the field, input kept, nothing changed */
export function registryRefused(ctx: HttpContext, error: unknown, field: string) {
  if (!(error instanceof ProviderRefusal)) throw error
  ctx.session.flashAll()
  ctx.session.flash('inputErrorsBag', { [field]: [error.translate(ctx.i18n)] })
  return ctx.response.redirect().back()
}
