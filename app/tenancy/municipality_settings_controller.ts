import type { HttpContext } from '@adonisjs/core/http'
import ConsolePolicy from '#tenancy/console_policy'
import { municipalitySettingsValidator } from '#tenancy/municipality_settings_validator'
import { recordStaffEvent } from '#audit/staff_action'
import { staffFieldNames } from '#http/staff_field_names'
import { eraDate } from '#shared/era_dates'

/**
 * A municipality's own settings, for its administrators: how its console,
 * exports and printouts write dates (西暦 or 和暦). Every change is audited.
 */
export default class MunicipalitySettingsController {
  async show(ctx: HttpContext) {
    const { bouncer, inertia, tenant } = ctx
    await bouncer.with(ConsolePolicy).authorize('administer', tenant)
    return inertia.render('tenancy/settings', {
      settings: { dateStyle: tenant.municipality.dateStyle },
      examples: { western: '2026年4月1日', japanese_era: eraDate('2026-04-01') },
    })
  }

  async update(ctx: HttpContext) {
    const { bouncer, request, response, session, tenant, i18n } = ctx
    await bouncer.with(ConsolePolicy).authorize('administer', tenant)
    const input = await request.validateUsing(municipalitySettingsValidator, {
      messagesProvider: staffFieldNames(ctx, 'ui.settings.fields'),
    })
    const before = tenant.municipality.dateStyle
    if (before !== input.date_style) {
      tenant.municipality.dateStyle = input.date_style
      await tenant.municipality.save()
      await recordStaffEvent(ctx, {
        action: 'municipality.settings_changed',
        purpose: 'settings_administration',
        details: { date_style: { before, after: input.date_style } },
      })
    }
    session.flash('notice', i18n.t('ui.settings.saved'))
    return response.redirect(`/m/${tenant.municipality.slug}/settings`)
  }
}
