import type { HttpContext } from '@adonisjs/core/http'
import { switchLocaleValidator } from '#http/locale_validator'
import { rememberLocale } from '#http/locale_preference'

export default class LocaleController {
  async update(ctx: HttpContext) {
    const { locale } = await ctx.request.validateUsing(switchLocaleValidator)
    await ctx.auth.check()
    await rememberLocale(ctx, locale)
    return ctx.response.redirect().back()
  }
}
