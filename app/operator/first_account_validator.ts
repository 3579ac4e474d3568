import vine from '@vinejs/vine'
import { newPasswordSchema } from '#identity/password_rules'

/** operator:create's answers, with the same rules as sign-up */
export const firstAccountValidator = vine.compile(
  vine.object({
    email: vine.string().trim().toLowerCase().email().maxLength(254),
    full_name: vine.string().trim().minLength(1).maxLength(120),
    locale: vine.enum(['ja', 'en']),
  })
)

export const firstPasswordValidator = vine.compile(vine.object({ password: newPasswordSchema() }))
