import type { HttpContext } from '@adonisjs/core/http'
import ProviderStaffPolicy from '#providers/provider_staff_policy'
import ProviderStaff from '#providers/provider_staff'
import ProviderStaffRefusal from '#providers/provider_staff_refusal'
import { PROVIDER_STAFF_ROLES } from '#providers/provider_registry'
import { auditedNotFound, staffActionFrom } from '#audit/staff_action'
import { staffFieldNames } from '#http/staff_field_names'
import { inviteProviderStaffValidator } from '#providers/provider_validator'

/**
 * A provider administrator's staff screen (/m/<slug>/provider/staff): the
 * provider's people in this municipality, inviting more, disabling and
 * enabling a person. The provider is always ctx.provider (the
 * administrator's own), never one from the URL; a person who is not on
 * its staff here answers 404, audited.
 */
export default class ProviderStaffController {
  async index(ctx: HttpContext) {
    const { bouncer, inertia, tenant, provider, auth, i18n } = ctx
    await bouncer.with(ProviderStaffPolicy).authorize('manage', tenant)
    return inertia.render('providers/provider/staff/index', {
      provider: { name: provider.nameIn(i18n.locale) },
      staff: await ProviderStaff.list(this.#scope(ctx), auth.getUserOrFail().id),
      invitations: await ProviderStaff.invitations(this.#scope(ctx)),
      roles: PROVIDER_STAFF_ROLES,
    })
  }

  async store(ctx: HttpContext) {
    const { bouncer, request, tenant, session, i18n, response } = ctx
    await bouncer.with(ProviderStaffPolicy).authorize('manage', tenant)
    const input = await request.validateUsing(inviteProviderStaffValidator, {
      messagesProvider: staffFieldNames(ctx, 'provider_staff.fields'),
    })
    try {
      await ProviderStaff.invite(
        this.#scope(ctx),
        { email: input.email, fullName: input.full_name, role: input.role, locale: i18n.locale },
        staffActionFrom(ctx)
      )
    } catch (error) {
      if (!(error instanceof ProviderStaffRefusal)) throw error
      // Shown at the address, input kept, nothing changed
      session.flashAll()
      session.flash('inputErrorsBag', { email: [error.translate(i18n)] })
      return response.redirect().back()
    }
    session.flash('notice', i18n.t('provider_staff.flash.invited', { email: input.email }))
    return this.#toList(ctx)
  }

  async disable(ctx: HttpContext) {
    return this.#change(ctx, 'disable')
  }

  async enable(ctx: HttpContext) {
    return this.#change(ctx, 'enable')
  }

  async #change(ctx: HttpContext, change: 'disable' | 'enable') {
    const { bouncer, params, tenant, session, i18n } = ctx
    await bouncer.with(ProviderStaffPolicy).authorize('manage', tenant)
    const userId = Number(params.providerStaff)
    try {
      const user = await ProviderStaff[change](this.#scope(ctx), userId, staffActionFrom(ctx))
      if (!user) {
        return auditedNotFound(ctx, 'provider.staff_not_found', {
          provider_id: ctx.provider.id,
          user_id: userId,
        })
      }
      session.flash('notice', i18n.t(`provider_staff.flash.${change}d`, { name: user.fullName }))
    } catch (error) {
      if (!(error instanceof ProviderStaffRefusal)) throw error
      session.flash('error', error.translate(i18n))
    }
    return this.#toList(ctx)
  }

  #scope({ tenant, provider }: HttpContext) {
    return { municipalityId: tenant.municipalityId, providerId: provider.id }
  }

  #toList(ctx: HttpContext) {
    return ctx.response.redirect(`/m/${ctx.tenant.municipality.slug}/provider/staff`)
  }
}
