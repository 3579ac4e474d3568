import type { HttpContext } from '@adonisjs/core/http'
import ConsolePolicy from '#tenancy/console_policy'
import ProviderRegistry from '#providers/provider_registry'
import { staffActionFrom } from '#audit/staff_action'
import { staffFieldNames } from '#http/staff_field_names'
import { contractsValidator } from '#providers/provider_validator'
import { providerInUrl, providerSaved, registryRefused } from '#providers/staff_provider_responses'

/**
 * The programs and services a provider is contracted for, saved from the
 * provider's page. Municipal administrators and staff.
 */
export default class StaffProviderContractsController {
  async contracts(ctx: HttpContext) {
    const { bouncer, request, tenant, i18n } = ctx
    await bouncer.with(ConsolePolicy).authorize('staff', tenant)
    const provider = await providerInUrl(ctx)
    const input = await request.validateUsing(contractsValidator, {
      messagesProvider: staffFieldNames(ctx, 'staff_providers.fields'),
    })
    try {
      await ProviderRegistry.setContracts(
        tenant.municipalityId,
        provider.id,
        ProviderRegistry.selectionsFromKeys(input.services ?? []),
        staffActionFrom(ctx)
      )
    } catch (error) {
      return registryRefused(ctx, error, 'services')
    }
    return providerSaved(ctx, provider.id, 'contracts_saved', {
      name: provider.nameIn(i18n.locale),
    })
  }
}
