import type { NormalizeConstructor } from '@adonisjs/core/types/helpers'
import { type BaseModel, column } from '@adonisjs/lucid/orm'

/**
 * Bilingual display names (name_ja, name_en) and the one to show for a
 * locale, for organisations residents and staff see by name.
 */
export function withLocalizedName<Model extends NormalizeConstructor<typeof BaseModel>>(
  superclass: Model
) {
  class LocalizedName extends superclass {
    @column()
    declare nameJa: string

    @column()
    declare nameEn: string

    nameIn(locale: string) {
      return locale === 'en' ? this.nameEn : this.nameJa
    }
  }
  return LocalizedName
}
