import type { HttpContext } from '@adonisjs/core/http'
import app from '@adonisjs/core/services/app'
import Municipality from '#tenancy/municipality'
import PlatformPolicy from '#operator/platform_policy'
import {
  createMunicipalityValidator,
  municipalityPluginsValidator,
  inviteAdminValidator,
} from '#operator/municipality_validator'
import MunicipalityAdmin, {
  MunicipalityAdminRefusal,
  UnknownPluginError,
} from '#operator/municipality_admin'
import { httpAuditSource, httpDestination } from '#audit/http_audit_source'
import { localizedText } from '#shared/localized_text'

/**
 * The operator console: municipalities (tenants) and their plugins.
 * Operators never see residents' data here.
 */
export default class OperatorMunicipalitiesController {
  async index(ctx: HttpContext) {
    const { bouncer, inertia, i18n } = ctx
    await bouncer.with(PlatformPolicy).authorize('operate')
    const plugins = await app.container.make('plugins')
    const municipalities = await Municipality.query().orderBy('code')
    const enabled = await MunicipalityAdmin.enabledPlugins(municipalities.map(({ id }) => id))
    return inertia.render('operator/municipalities', {
      municipalities: municipalities.map((municipality) => ({
        id: municipality.id,
        code: municipality.code,
        slug: municipality.slug,
        name: municipality.nameIn(i18n.locale),
        plugins: enabled.get(municipality.id) ?? [],
      })),
      availablePlugins: plugins.plugins.map((plugin) => ({
        id: plugin.id,
        name: localizedText(plugin.name, i18n.locale),
      })),
    })
  }

  async store(ctx: HttpContext) {
    const { bouncer, request, response, session, auth, i18n } = ctx
    await bouncer.with(PlatformPolicy).authorize('operate')
    const input = await request.validateUsing(createMunicipalityValidator)
    const municipality = await MunicipalityAdmin.create(
      { code: input.code, slug: input.slug, nameJa: input.name_ja, nameEn: input.name_en },
      {
        actorUserId: auth.user!.id,
        source: httpAuditSource(ctx),
        destination: httpDestination(ctx),
      }
    )
    session.flash(
      'notice',
      i18n.t('ui.operator.created', { name: municipality.nameIn(i18n.locale) })
    )
    return response.redirect('/operator/municipalities')
  }

  async updatePlugins(ctx: HttpContext) {
    const { bouncer, request, response, session, auth, i18n, params } = ctx
    await bouncer.with(PlatformPolicy).authorize('operate')
    const { plugins } = await request.validateUsing(municipalityPluginsValidator)
    const municipality = await Municipality.findOrFail(params.id)
    try {
      await MunicipalityAdmin.setPlugins(municipality.id, plugins, {
        actorUserId: auth.user!.id,
        source: httpAuditSource(ctx),
        destination: httpDestination(ctx),
      })
    } catch (error) {
      if (!(error instanceof UnknownPluginError)) throw error
      session.flash(
        'error',
        i18n.t('ui.operator.unknown_plugins', { ids: error.pluginIds.join(', ') })
      )
      return response.redirect().back()
    }
    session.flash(
      'notice',
      i18n.t('ui.operator.plugins_saved', { name: municipality.nameIn(i18n.locale) })
    )
    return response.redirect('/operator/municipalities')
  }

  async inviteAdmin(ctx: HttpContext) {
    const { bouncer, request, response, session, auth, i18n, params } = ctx
    await bouncer.with(PlatformPolicy).authorize('operate')
    const input = await request.validateUsing(inviteAdminValidator)
    const municipality = await Municipality.findOrFail(params.id)
    try {
      await MunicipalityAdmin.inviteAdmin(
        municipality.id,
        { email: input.email, fullName: input.full_name, locale: i18n.locale },
        {
          actorUserId: auth.user!.id,
          source: httpAuditSource(ctx),
          destination: httpDestination(ctx),
        }
      )
    } catch (error) {
      if (!(error instanceof MunicipalityAdminRefusal)) throw error
      session.flash('error', error.translate(i18n))
      return response.redirect('/operator/municipalities')
    }
    session.flash(
      'notice',
      i18n.t('ui.operator.admin_invited', {
        email: input.email,
        name: municipality.nameIn(i18n.locale),
      })
    )
    return response.redirect('/operator/municipalities')
  }
}
