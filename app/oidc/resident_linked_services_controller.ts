import type { HttpContext } from '@adonisjs/core/http'
import { auditedNotFound, staffActionFrom } from '#audit/staff_action'
import OidcLinkedServices from '#oidc/oidc_linked_services'

/**
 * The resident's 連携しているサービス (/m/<slug>/my/services): what each
 * allowed service receives, since when, last used; 連携を解除する ends it.
 * Always the signed-in resident's own grants (ctx.resident).
 */
export default class ResidentLinkedServicesController {
  async index(ctx: HttpContext) {
    const services = await new OidcLinkedServices(ctx.resident).list()
    return ctx.inertia.render('oidc/resident/services', { services })
  }

  async revoke(ctx: HttpContext) {
    const linkedServices = new OidcLinkedServices(ctx.resident)
    const id = Number(ctx.params.linkedClient)
    const linked = await linkedServices.linkedClient(id)
    if (!linked) return auditedNotFound(ctx, 'oidc_client.not_found', { oidc_client_id: id })
    await linkedServices.revoke(linked, staffActionFrom(ctx))
    ctx.session.flash('notice', ctx.i18n.t('oidc.services.revoked', { name: linked.client.name }))
    return ctx.response.redirect(`/m/${ctx.tenant.municipality.slug}/my/services`)
  }
}
