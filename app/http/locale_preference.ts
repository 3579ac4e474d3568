import type { HttpContext } from '@adonisjs/core/http'
import { LOCALE_COOKIE } from '#http/detect_user_locale_middleware'
import type { SupportedLocale } from '#config/i18n'

/**
 * Remembers a language choice: in the cookie for this browser and, when
 * someone is signed in, on their account for the next device.
 */
export async function rememberLocale(ctx: HttpContext, locale: SupportedLocale) {
  ctx.response.plainCookie(LOCALE_COOKIE, locale, {
    maxAge: '400d',
    httpOnly: true,
    sameSite: 'lax',
    path: '/',
  })
  const user = ctx.auth.user
  if (user && user.preferredLocale !== locale) {
    user.preferredLocale = locale
    await user.save()
  }
}
