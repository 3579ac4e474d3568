import type { HttpContext } from '@adonisjs/core/http'
import StaffSignInPolicy from '#staff_sign_in/staff_sign_in_policy'
import { staffSignInSettingsValidator } from '#staff_sign_in/staff_sign_in_settings_validator'
import StaffSignInSettings, { settingsView } from '#staff_sign_in/staff_sign_in_settings'
import StaffSignInRefusal from '#staff_sign_in/staff_sign_in_refusal'
import StaffSignInProvider from '#staff_sign_in/staff_sign_in_provider'
import UpstreamSignIn from '#staff_sign_in/upstream_sign_in'
import { staffActionFrom } from '#audit/staff_action'
import { staffFieldNames } from '#http/staff_field_names'
import { refusedToForm } from '#http/form_refusals'

/**
 * How the municipality's staff sign in: its own identity provider
 * (OpenID Connect), for its administrators. Every change is audited.
 */
export default class StaffSignInSettingsController {
  async show(ctx: HttpContext) {
    const { bouncer, inertia, tenant } = ctx
    await bouncer.with(StaffSignInPolicy).authorize('configure', tenant)
    const provider = await StaffSignInProvider.findBy('municipalityId', tenant.municipalityId)
    return inertia.render('staff_sign_in/settings', {
      settings: settingsView(provider),
      redirectUri: UpstreamSignIn.redirectUri(tenant.municipality),
    })
  }

  async update(ctx: HttpContext) {
    const { bouncer, request, response, session, tenant, i18n } = ctx
    await bouncer.with(StaffSignInPolicy).authorize('configure', tenant)
    const input = await request.validateUsing(staffSignInSettingsValidator, {
      messagesProvider: staffFieldNames(ctx, 'staff_sign_in.fields'),
    })
    try {
      await StaffSignInSettings.save(
        tenant.municipalityId,
        {
          issuer: input.issuer,
          clientId: input.client_id,
          clientSecret: input.client_secret || undefined,
          identifierClaim: input.identifier_claim,
          trustMfa: input.trust_mfa,
          mfaAcrValues: input.mfa_acr_values ?? '',
          passwordSignInOff: input.password_sign_in_off,
        },
        staffActionFrom(ctx)
      )
    } catch (error) {
      if (!(error instanceof StaffSignInRefusal)) throw error
      return refusedToForm(ctx, error, {
        fields: { secret_required: 'client_secret' },
        otherwise: 'issuer',
      })
    }
    session.flash('notice', i18n.t('staff_sign_in.saved'))
    return response.redirect(`/m/${tenant.municipality.slug}/settings/sign-in`)
  }
}
