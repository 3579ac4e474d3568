import vine from '@vinejs/vine'
import { localGovernmentCodeRule } from '#operator/local_government_code_rules'

export const createMunicipalityValidator = vine.compile(
  vine.object({
    code: vine
      .string()
      .trim()
      .fixedLength(6)
      .use(localGovernmentCodeRule())
      .unique({ table: 'municipalities', column: 'code' }),
    slug: vine
      .string()
      .trim()
      .toLowerCase()
      .regex(/^[a-z][a-z0-9-]{1,62}$/)
      .unique({ table: 'municipalities', column: 'slug' }),
    name_ja: vine.string().trim().minLength(1).maxLength(120),
    name_en: vine.string().trim().minLength(1).maxLength(120),
  })
)

export const municipalityPluginsValidator = vine.compile(
  vine.object({
    plugins: vine.array(vine.string().trim().maxLength(64)).maxLength(100).distinct(),
  })
)

export const inviteAdminValidator = vine.compile(
  vine.object({
    email: vine.string().trim().toLowerCase().email().maxLength(254),
    full_name: vine.string().trim().minLength(1).maxLength(120),
  })
)
