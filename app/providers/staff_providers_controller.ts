import type { HttpContext } from '@adonisjs/core/http'
import ConsolePolicy from '#tenancy/console_policy'
import Facility from '#tenancy/facility'
import ProviderContract from '#providers/provider_contract'
import AccountInvitation from '#tenancy/account_invitation'
import ProviderRegistry, { PROVIDER_STAFF_ROLES } from '#providers/provider_registry'
import { staffActionFrom } from '#audit/staff_action'
import { staffFieldNames } from '#http/staff_field_names'
import { registerProviderValidator, updateProviderValidator } from '#providers/provider_validator'
import { providerInUrl, providerSaved, registryRefused } from '#providers/staff_provider_responses'
import { localizedText } from '#shared/localized_text'

/**
 * Providers (事業者) contracted with the municipality: the list,
 * registration, and each provider's page (its facilities, the programs
 * and services it is contracted for, its staff and invitations) and
 * details. Municipal administrators and staff. The page's other forms
 * have their own controllers (staff_provider_*_controller).
 */
export default class StaffProvidersController {
  async index(ctx: HttpContext) {
    const { bouncer, inertia, tenant, i18n } = ctx
    await bouncer.with(ConsolePolicy).authorize('staff', tenant)
    const providers = await ProviderRegistry.visible(tenant.municipalityId).preload(
      'facilities',
      (query) => query.orderBy('id')
    )
    const contracts = await ProviderContract.query().where('municipality_id', tenant.municipalityId)
    const programs = await ProviderRegistry.contractablePrograms(tenant.municipalityId)
    const programName = (contract: ProviderContract) => {
      const found = programs.find(
        ({ plugin, program }) =>
          plugin.id === contract.pluginId && program.code === contract.programCode
      )
      return found ? localizedText(found.program.name, i18n.locale) : contract.programCode
    }
    return inertia.render('providers/staff/index', {
      providers: providers.map((provider) => ({
        id: provider.id,
        name: provider.nameIn(i18n.locale),
        phone: provider.phone,
        facilities: provider.facilities.map((facility) => facility.nameIn(i18n.locale)),
        programs: contracts
          .filter((contract) => contract.providerId === provider.id)
          .map(programName),
      })),
    })
  }

  async create(ctx: HttpContext) {
    const { bouncer, inertia, tenant } = ctx
    await bouncer.with(ConsolePolicy).authorize('staff', tenant)
    return inertia.render('providers/staff/create', {
      programs: await this.#programChoices(ctx),
    })
  }

  async store(ctx: HttpContext) {
    const { bouncer, request, tenant, i18n } = ctx
    await bouncer.with(ConsolePolicy).authorize('staff', tenant)
    const input = await request.validateUsing(registerProviderValidator, {
      messagesProvider: staffFieldNames(ctx, 'staff_providers.fields'),
    })
    try {
      const provider = await ProviderRegistry.register(
        tenant.municipalityId,
        {
          nameJa: input.name_ja,
          nameEn: input.name_en,
          phone: input.phone ?? null,
          contracts: ProviderRegistry.selectionsFromKeys(input.services ?? []),
        },
        staffActionFrom(ctx)
      )
      return providerSaved(ctx, provider.id, 'registered', { name: provider.nameIn(i18n.locale) })
    } catch (error) {
      return registryRefused(ctx, error, 'services')
    }
  }

  async show(ctx: HttpContext) {
    const { bouncer, inertia, tenant, i18n } = ctx
    await bouncer.with(ConsolePolicy).authorize('staff', tenant)
    const provider = await providerInUrl(ctx)
    const facilities = await Facility.query().where('provider_id', provider.id).orderBy('id')
    const contracts = await ProviderContract.query()
      .where('municipality_id', tenant.municipalityId)
      .where('provider_id', provider.id)
    return inertia.render('providers/staff/show', {
      provider: {
        id: provider.id,
        name: provider.nameIn(i18n.locale),
        nameJa: provider.nameJa,
        nameEn: provider.nameEn,
        phone: provider.phone,
      },
      facilities: facilities.map((facility) => ({
        id: facility.id,
        name: facility.nameIn(i18n.locale),
        nameJa: facility.nameJa,
        nameEn: facility.nameEn,
        address: facility.address,
        phone: facility.phone,
      })),
      programs: await this.#programChoices(ctx),
      contracted: contracts.flatMap((contract) =>
        contract.services.map(
          (service) => `${contract.pluginId}/${contract.programCode}/${service}`
        )
      ),
      staff: await ProviderRegistry.staff(tenant.municipalityId, provider.id),
      invitations: await AccountInvitation.pending({
        municipalityId: tenant.municipalityId,
        providerId: provider.id,
      }),
      roles: PROVIDER_STAFF_ROLES,
    })
  }

  async update(ctx: HttpContext) {
    const { bouncer, request, tenant, i18n } = ctx
    await bouncer.with(ConsolePolicy).authorize('staff', tenant)
    const provider = await providerInUrl(ctx)
    const input = await request.validateUsing(updateProviderValidator, {
      messagesProvider: staffFieldNames(ctx, 'staff_providers.fields'),
    })
    const updated = await ProviderRegistry.update(
      tenant.municipalityId,
      provider.id,
      { nameJa: input.name_ja, nameEn: input.name_en, phone: input.phone ?? null },
      staffActionFrom(ctx)
    )
    return providerSaved(ctx, provider.id, 'updated', { name: updated.nameIn(i18n.locale) })
  }

  /** Programs of the municipality's plugins, with their services, for checkboxes */
  async #programChoices({ tenant, i18n }: HttpContext) {
    const programs = await ProviderRegistry.contractablePrograms(tenant.municipalityId)
    return programs.map(({ plugin, program }) => ({
      key: `${plugin.id}/${program.code}`,
      name: localizedText(program.name, i18n.locale),
      services: program.services.map((service) => ({
        key: `${plugin.id}/${program.code}/${service.code}`,
        name: localizedText(service.name, i18n.locale),
      })),
    }))
  }
}
