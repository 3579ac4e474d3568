import type { HttpContext } from '@adonisjs/core/http'
import type { NextFn } from '@adonisjs/core/types/http'
import BaseInertiaMiddleware from '@adonisjs/inertia/inertia_middleware'
import app from '@adonisjs/core/services/app'
import ClientMessages from '#http/client_messages'
import { tenantAbilitiesOf } from '#http/policy_registry'
import { SUPPORTED_LOCALES } from '#config/i18n'

/**
 * Props every page receives. Only what the shell shows: the signed-in
 * user's display name, the language and its messages, flash and errors.
 */
export default class InertiaMiddleware extends BaseInertiaMiddleware {
  async share(ctx: HttpContext) {
    const plugins = await app.container.make('plugins')
    const user = ctx.auth?.user
    const can = ctx.tenant && user ? await tenantAbilitiesOf(ctx) : {}
    return {
      errors: ctx.inertia.always(this.getValidationErrors(ctx)),
      // The messages travel apart (one cached file per language), not in
      // every page: the client fetches catalogues[locale] before it shows one.
      i18n: ctx.inertia.always({
        locale: ctx.i18n.locale,
        locales: [...SUPPORTED_LOCALES],
        catalogues: ClientMessages.catalogueUrls(plugins.plugins.map((plugin) => plugin.id)),
      }),
      auth: ctx.inertia.always({ user: user ? { fullName: user.fullName } : null }),
      // Shared state is resolved at render time, after the tenant middleware
      tenant: ctx.inertia.always(
        ctx.tenant
          ? {
              slug: ctx.tenant.municipality.slug,
              name: ctx.tenant.municipality.nameIn(ctx.i18n.locale),
              dateStyle: ctx.tenant.municipality.dateStyle,
              roles: ctx.tenant.roles,
              can,
            }
          : null
      ),
    }
  }

  flash(ctx: HttpContext) {
    return {
      notice: ctx.session.flashMessages.get('notice') as string | undefined,
      // "error" is also where the auth package flashes failed sign-ins
      error: ctx.session.flashMessages.get('error') as string | undefined,
    }
  }

  async handle(ctx: HttpContext, next: NextFn) {
    await this.init(ctx)
    const output = await next()
    this.dispose(ctx)
    return output
  }
}

declare module '@adonisjs/inertia/types' {
  type MiddlewareSharedProps = InferSharedProps<InertiaMiddleware>
  export interface SharedProps extends MiddlewareSharedProps {}
  // Page names are validated at render time by the client resolver; props
  // are typed on the Vue side with defineProps.
  export interface InertiaPages {
    [page: string]: Record<string, any>
  }
}
