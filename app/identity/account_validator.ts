import vine from '@vinejs/vine'
import { newPasswordSchema } from '#identity/password_rules'

const email = () => vine.string().trim().toLowerCase().email().maxLength(254)

export const registrationValidator = vine.compile(
  vine.object({
    full_name: vine.string().trim().minLength(1).maxLength(120),
    email: email(),
    password: newPasswordSchema(),
  })
)

export const forgotPasswordValidator = vine.compile(vine.object({ email: email() }))

export const resetPasswordValidator = vine.compile(vine.object({ password: newPasswordSchema() }))

export const changePasswordValidator = vine.compile(
  vine.object({
    current_password: vine.string().minLength(1).maxLength(128),
    password: newPasswordSchema(),
  })
)

export const changeEmailValidator = vine.compile(
  vine.object({
    current_password: vine.string().minLength(1).maxLength(128),
    email: email(),
  })
)
