import vine from '@vinejs/vine'
import { SUPPORTED_LOCALES } from '#config/i18n'

export const switchLocaleValidator = vine.compile(
  vine.object({
    locale: vine.enum(SUPPORTED_LOCALES),
  })
)
