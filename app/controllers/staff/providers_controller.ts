import type { HttpContext } from '@adonisjs/core/http'
import { workInStaffConsole } from '#abilities/main'
import Facility from '#models/facility'
import ProviderContract from '#models/provider_contract'
import ProviderRegistry, { PROVIDER_STAFF_ROLES } from '#services/provider_registry'
import ProviderRefusal from '#services/provider_refusal'
import { staffActionFrom } from '#services/staff_action'
import { staffFieldNames } from '#validators/staff_field_names'
import {
  contractsValidator,
  facilityValidator,
  inviteProviderStaffValidator,
  registerProviderValidator,
  updateProviderValidator,
} from '#validators/provider_validator'
import type { LocalizedText } from '#plugin_host/define_plugin'

function localized(text: LocalizedText, locale: string) {
  return locale === 'en' ? text.en : text.ja
}

/**
 * Providers (事業者) contracted with the municipality: registration, their
 * facilities, the programs and services each is contracted for, and
 * invitations of their staff. Municipal administrators and staff.
 */
export default class ProvidersController {
  async index(ctx: HttpContext) {
    const { bouncer, inertia, tenant, i18n } = ctx
    await bouncer.authorize(workInStaffConsole, tenant)
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
      return found ? localized(found.program.name, i18n.locale) : contract.programCode
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
    await bouncer.authorize(workInStaffConsole, tenant)
    return inertia.render('staff/providers/create', {
      programs: await this.#programChoices(ctx),
    })
  }

  async store(ctx: HttpContext) {
    const { bouncer, request, response, session, tenant, i18n } = ctx
    await bouncer.authorize(workInStaffConsole, tenant)
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
      session.flash(
        'notice',
        i18n.t('staff_providers.flash.registered', { name: provider.nameIn(i18n.locale) })
      )
      return response.redirect(`/m/${tenant.municipality.slug}/providers/${provider.id}`)
    } catch (error) {
      return this.#refused(ctx, error, 'services')
    }
  }

  async show(ctx: HttpContext) {
    const { bouncer, inertia, tenant, params, i18n } = ctx
    await bouncer.authorize(workInStaffConsole, tenant)
    const provider = await ProviderRegistry.find(tenant.municipalityId, Number(params.provider))
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
      roles: PROVIDER_STAFF_ROLES,
    })
  }

  async update(ctx: HttpContext) {
    const { bouncer, request, response, session, tenant, params, i18n } = ctx
    await bouncer.authorize(workInStaffConsole, tenant)
    const provider = await ProviderRegistry.find(tenant.municipalityId, Number(params.provider))
    const input = await request.validateUsing(updateProviderValidator, {
      messagesProvider: staffFieldNames(ctx, 'staff_providers.fields'),
    })
    const updated = await ProviderRegistry.update(
      tenant.municipalityId,
      provider.id,
      { nameJa: input.name_ja, nameEn: input.name_en, phone: input.phone ?? null },
      staffActionFrom(ctx)
    )
    session.flash(
      'notice',
      i18n.t('staff_providers.flash.updated', { name: updated.nameIn(i18n.locale) })
    )
    return response.redirect(this.#showPath(ctx, provider.id))
  }

  async storeFacility(ctx: HttpContext) {
    const { bouncer, request, response, session, tenant, params, i18n } = ctx
    await bouncer.authorize(workInStaffConsole, tenant)
    const provider = await ProviderRegistry.find(tenant.municipalityId, Number(params.provider))
    const input = await request.validateUsing(facilityValidator, {
      messagesProvider: staffFieldNames(ctx, 'staff_providers.fields'),
    })
    const facility = await ProviderRegistry.addFacility(
      tenant.municipalityId,
      provider.id,
      {
        nameJa: input.name_ja,
        nameEn: input.name_en,
        address: input.address ?? null,
        phone: input.phone ?? null,
      },
      staffActionFrom(ctx)
    )
    session.flash(
      'notice',
      i18n.t('staff_providers.flash.facility_added', { name: facility.nameIn(i18n.locale) })
    )
    return response.redirect(this.#showPath(ctx, provider.id))
  }

  async updateFacility(ctx: HttpContext) {
    const { bouncer, request, response, session, tenant, params, i18n } = ctx
    await bouncer.authorize(workInStaffConsole, tenant)
    const { provider, facility } = await ProviderRegistry.findFacility(
      tenant.municipalityId,
      Number(params.provider),
      Number(params.facility)
    )
    const input = await request.validateUsing(facilityValidator, {
      messagesProvider: staffFieldNames(ctx, 'staff_providers.fields'),
    })
    const updated = await ProviderRegistry.updateFacility(
      tenant.municipalityId,
      provider.id,
      facility.id,
      {
        nameJa: input.name_ja,
        nameEn: input.name_en,
        address: input.address ?? null,
        phone: input.phone ?? null,
      },
      staffActionFrom(ctx)
    )
    session.flash(
      'notice',
      i18n.t('staff_providers.flash.facility_updated', { name: updated.nameIn(i18n.locale) })
    )
    return response.redirect(this.#showPath(ctx, provider.id))
  }

  async contracts(ctx: HttpContext) {
    const { bouncer, request, response, session, tenant, params, i18n } = ctx
    await bouncer.authorize(workInStaffConsole, tenant)
    const provider = await ProviderRegistry.find(tenant.municipalityId, Number(params.provider))
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
      return this.#refused(ctx, error, 'services')
    }
    session.flash(
      'notice',
      i18n.t('staff_providers.flash.contracts_saved', { name: provider.nameIn(i18n.locale) })
    )
    return response.redirect(this.#showPath(ctx, provider.id))
  }

  async storeStaff(ctx: HttpContext) {
    const { bouncer, request, response, session, tenant, params, i18n } = ctx
    await bouncer.authorize(workInStaffConsole, tenant)
    const provider = await ProviderRegistry.find(tenant.municipalityId, Number(params.provider))
    const input = await request.validateUsing(inviteProviderStaffValidator, {
      messagesProvider: staffFieldNames(ctx, 'staff_providers.fields'),
    })
    await ProviderRegistry.inviteStaff(
      tenant.municipalityId,
      provider.id,
      { email: input.email, fullName: input.full_name, role: input.role, locale: i18n.locale },
      staffActionFrom(ctx)
    )
    session.flash(
      'notice',
      i18n.t('staff_providers.flash.staff_invited', {
        email: input.email,
        name: provider.nameIn(i18n.locale),
      })
    )
    return response.redirect(this.#showPath(ctx, provider.id))
  }

  /** Programs of the municipality's plugins, with their services, for checkboxes */
  async #programChoices({ tenant, i18n }: HttpContext) {
    const programs = await ProviderRegistry.contractablePrograms(tenant.municipalityId)
    return programs.map(({ plugin, program }) => ({
      key: `${plugin.id}/${program.code}`,
      name: localized(program.name, i18n.locale),
      services: program.services.map((service) => ({
        key: `${plugin.id}/${program.code}/${service.code}`,
        name: localized(service.name, i18n.locale),
      })),
    }))
  }

  #showPath({ tenant }: HttpContext, providerId: number) {
    return `/m/${tenant.municipality.slug}/providers/${providerId}`
  }

  /** A refusal of the registry: shown at the field, input kept, nothing changed */
  #refused(ctx: HttpContext, error: unknown, field: string) {
    if (!(error instanceof ProviderRefusal)) throw error
    ctx.session.flashAll()
    ctx.session.flash('inputErrorsBag', { [field]: [error.translate(ctx.i18n)] })
    return ctx.response.redirect().back()
  }
}
