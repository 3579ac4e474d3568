import type { HttpContext } from '@adonisjs/core/http'
import ConsolePolicy from '#tenancy/console_policy'
import Facility from '#tenancy/facility'
import ProviderContract from '#providers/provider_contract'
import AccountInvitation from '#tenancy/account_invitation'
import ProviderRegistry, { PROVIDER_STAFF_ROLES } from '#providers/provider_registry'
import ProviderRefusal from '#providers/provider_refusal'
import { staffActionFrom } from '#audit/staff_action'
import { staffFieldNames } from '#http/staff_field_names'
import {
  contractsValidator,
  facilityValidator,
  inviteProviderStaffValidator,
  registerProviderValidator,
  updateProviderValidator,
} from '#providers/provider_validator'
import { localizedText } from '#shared/localized_text'

/** Field names and messages of the providers screens */
function messages(ctx: HttpContext) {
  return staffFieldNames(ctx, 'staff_providers.fields')
}

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
 * Providers (事業者) contracted with the municipality: registration, their
 * facilities, the programs and services each is contracted for, and
 * invitations of their staff. Municipal administrators and staff.
 */
export default class ProvidersController {
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
    return inertia.render('staff/providers/index', {
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
    return inertia.render('staff/providers/create', {
      programs: await this.#programChoices(ctx),
    })
  }

  async store(ctx: HttpContext) {
    const { bouncer, request, tenant, i18n } = ctx
    await bouncer.with(ConsolePolicy).authorize('staff', tenant)
    const input = await request.validateUsing(registerProviderValidator, {
      messagesProvider: messages(ctx),
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
      return this.#saved(ctx, provider.id, 'registered', { name: provider.nameIn(i18n.locale) })
    } catch (error) {
      return this.#refused(ctx, error, 'services')
    }
  }

  async show(ctx: HttpContext) {
    const { bouncer, inertia, tenant, i18n } = ctx
    await bouncer.with(ConsolePolicy).authorize('staff', tenant)
    const provider = await this.#provider(ctx)
    const facilities = await Facility.query().where('provider_id', provider.id).orderBy('id')
    const contracts = await ProviderContract.query()
      .where('municipality_id', tenant.municipalityId)
      .where('provider_id', provider.id)
    return inertia.render('staff/providers/show', {
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
    const provider = await this.#provider(ctx)
    const input = await request.validateUsing(updateProviderValidator, {
      messagesProvider: messages(ctx),
    })
    const updated = await ProviderRegistry.update(
      tenant.municipalityId,
      provider.id,
      { nameJa: input.name_ja, nameEn: input.name_en, phone: input.phone ?? null },
      staffActionFrom(ctx)
    )
    return this.#saved(ctx, provider.id, 'updated', { name: updated.nameIn(i18n.locale) })
  }

  async storeFacility(ctx: HttpContext) {
    const { bouncer, request, tenant, i18n } = ctx
    await bouncer.with(ConsolePolicy).authorize('staff', tenant)
    const provider = await this.#provider(ctx)
    const input = await request.validateUsing(facilityValidator, {
      messagesProvider: messages(ctx),
    })
    const facility = await ProviderRegistry.addFacility(
      tenant.municipalityId,
      provider.id,
      facilityFields(input),
      staffActionFrom(ctx)
    )
    return this.#saved(ctx, provider.id, 'facility_added', { name: facility.nameIn(i18n.locale) })
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
      messagesProvider: messages(ctx),
    })
    const updated = await ProviderRegistry.updateFacility(
      tenant.municipalityId,
      provider.id,
      facility.id,
      facilityFields(input),
      staffActionFrom(ctx)
    )
    return this.#saved(ctx, provider.id, 'facility_updated', { name: updated.nameIn(i18n.locale) })
  }

  async contracts(ctx: HttpContext) {
    const { bouncer, request, tenant, i18n } = ctx
    await bouncer.with(ConsolePolicy).authorize('staff', tenant)
    const provider = await this.#provider(ctx)
    const input = await request.validateUsing(contractsValidator, {
      messagesProvider: messages(ctx),
    })
    try {
      await ProviderRegistry.setContracts(
        tenant.municipalityId,
        provider.id,
        ProviderRegistry.selectionsFromKeys(input.services ?? []),
        staffActionFrom(ctx)
      )
    } catch (error) {
      return this.#refused(ctx, error, 'services')
    }
    return this.#saved(ctx, provider.id, 'contracts_saved', { name: provider.nameIn(i18n.locale) })
  }

  async storeStaff(ctx: HttpContext) {
    const { bouncer, request, tenant, i18n } = ctx
    await bouncer.with(ConsolePolicy).authorize('staff', tenant)
    const provider = await this.#provider(ctx)
    const input = await request.validateUsing(inviteProviderStaffValidator, {
      messagesProvider: messages(ctx),
    })
    await ProviderRegistry.inviteStaff(
      tenant.municipalityId,
      provider.id,
      { email: input.email, fullName: input.full_name, role: input.role, locale: i18n.locale },
      staffActionFrom(ctx)
    )
    return this.#saved(ctx, provider.id, 'staff_invited', {
      email: input.email,
      name: provider.nameIn(i18n.locale),
    })
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

  /** The provider of this municipality named in the URL, or 404 */
  #provider({ tenant, params }: HttpContext) {
    return ProviderRegistry.find(tenant.municipalityId, Number(params.provider))
  }

  /** Saved: the notice (staff_providers.flash.<notice>), back to the provider's page */
  #saved(ctx: HttpContext, providerId: number, notice: string, values: Record<string, string>) {
    ctx.session.flash('notice', ctx.i18n.t(`staff_providers.flash.${notice}`, values))
    return ctx.response.redirect(`/m/${ctx.tenant.municipality.slug}/providers/${providerId}`)
  }

  /** A refusal of the registry: shown at the field, input kept, nothing changed */
  #refused(ctx: HttpContext, error: unknown, field: string) {
    if (!(error instanceof ProviderRefusal)) throw error
    ctx.session.flashAll()
    ctx.session.flash('inputErrorsBag', { [field]: [error.translate(ctx.i18n)] })
    return ctx.response.redirect().back()
  }
}
