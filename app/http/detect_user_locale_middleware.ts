import { I18n } from '@adonisjs/i18n'
import i18nManager from '@adonisjs/i18n/services/main'
import type { NextFn } from '@adonisjs/core/types/http'
import { type HttpContext, RequestValidator } from '@adonisjs/core/http'
import { DEFAULT_LOCALE, SUPPORTED_LOCALES, type SupportedLocale } from '#config/i18n'

export const LOCALE_COOKIE = 'tomoni-locale'

export function isSupportedLocale(value: unknown): value is SupportedLocale {
  return typeof value === 'string' && (SUPPORTED_LOCALES as readonly string[]).includes(value)
}

/**
 * Japanese unless the person chose otherwise. The choice lives in a cookie
 * (so it works before login); signing in restores it from the account.
 */
export default class DetectUserLocaleMiddleware {
  static {
    // Validation errors from request.validateUsing come out translated.
    RequestValidator.messagesProvider = (ctx) => ctx.i18n.createMessagesProvider()
  }

  protected getRequestLocale(ctx: HttpContext): SupportedLocale {
    const chosen = ctx.request.plainCookie(LOCALE_COOKIE)
    return isSupportedLocale(chosen) ? chosen : DEFAULT_LOCALE
  }

  async handle(ctx: HttpContext, next: NextFn) {
    ctx.i18n = i18nManager.locale(this.getRequestLocale(ctx))
    ctx.containerResolver.bindValue(I18n, ctx.i18n)
    if ('view' in ctx) ctx.view.share({ i18n: ctx.i18n })
    return next()
  }
}

declare module '@adonisjs/core/http' {
  export interface HttpContext {
    i18n: I18n
  }
}
