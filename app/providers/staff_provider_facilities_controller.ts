import type { HttpContext } from '@adonisjs/core/http'
import ConsolePolicy from '#tenancy/console_policy'
import ProviderRegistry from '#providers/provider_registry'
import { staffActionFrom } from '#audit/staff_action'
import { staffFieldNames } from '#http/staff_field_names'
import { facilityValidator } from '#providers/provider_validator'
import { providerInUrl, providerSaved } from '#providers/staff_provider_responses'

/** A facility form's fields as the registry takes them */
function facilityFields(input: {
  name_ja: string
  name_en: string
  address?: string | null
  phone?: string | null
}) {
  return {
    nameJa: input.name_ja,
    nameEn: input.name_en,
    address: input.address ?? null,
    phone: input.phone ?? null,
  }
}

/**
 * A provider's facilities (事業所), added and edited on the provider's
 * page. Municipal administrators and staff.
 */
export default class StaffProviderFacilitiesController {
  async storeFacility(ctx: HttpContext) {
    const { bouncer, request, tenant, i18n } = ctx
    await bouncer.with(ConsolePolicy).authorize('staff', tenant)
    const provider = await providerInUrl(ctx)
    const input = await request.validateUsing(facilityValidator, {
      messagesProvider: staffFieldNames(ctx, 'staff_providers.fields'),
    })
    const facility = await ProviderRegistry.addFacility(
      tenant.municipalityId,
      provider.id,
      facilityFields(input),
      staffActionFrom(ctx)
    )
    return providerSaved(ctx, provider.id, 'facility_added', { name: facility.nameIn(i18n.locale) })
  }

  async updateFacility(ctx: HttpContext) {
    const { bouncer, request, tenant, i18n } = ctx
    await bouncer.with(ConsolePolicy).authorize('staff', tenant)
    const { provider, facility } = await ProviderRegistry.findFacility(
      tenant.municipalityId,
      Number(ctx.params.provider),
      Number(ctx.params.facility)
    )
    const input = await request.validateUsing(facilityValidator, {
      messagesProvider: staffFieldNames(ctx, 'staff_providers.fields'),
    })
    const updated = await ProviderRegistry.updateFacility(
      tenant.municipalityId,
      provider.id,
      facility.id,
      facilityFields(input),
      staffActionFrom(ctx)
    )
    return providerSaved(ctx, provider.id, 'facility_updated', {
      name: updated.nameIn(i18n.locale),
    })
  }
}
