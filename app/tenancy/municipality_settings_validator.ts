import vine from '@vinejs/vine'
import { DATE_STYLES } from '#shared/era_dates'

export const municipalitySettingsValidator = vine.compile(
  vine.object({
    date_style: vine.enum(DATE_STYLES),
  })
)
