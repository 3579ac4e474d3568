import type { HttpContext } from '@adonisjs/core/http'
import ConsolePolicy from '#tenancy/console_policy'
import ProviderRegistry from '#providers/provider_registry'
import { staffActionFrom } from '#audit/staff_action'
import { staffFieldNames } from '#http/staff_field_names'
import { inviteProviderStaffValidator } from '#providers/provider_validator'
import { providerInUrl, providerSaved } from '#providers/staff_provider_responses'

/**
 * Invitations of a provider's staff, sent from the provider's page.
 * Municipal administrators and staff.
 */
export default class StaffProviderInvitationsController {
  async storeStaff(ctx: HttpContext) {
    const { bouncer, request, tenant, i18n } = ctx
    await bouncer.with(ConsolePolicy).authorize('staff', tenant)
    const provider = await providerInUrl(ctx)
    const input = await request.validateUsing(inviteProviderStaffValidator, {
      messagesProvider: staffFieldNames(ctx, 'staff_providers.fields'),
    })
    await ProviderRegistry.inviteStaff(
      tenant.municipalityId,
      provider.id,
      { email: input.email, fullName: input.full_name, role: input.role, locale: i18n.locale },
      staffActionFrom(ctx)
    )
    return providerSaved(ctx, provider.id, 'staff_invited', {
      email: input.email,
      name: provider.nameIn(i18n.locale),
    })
  }
}
