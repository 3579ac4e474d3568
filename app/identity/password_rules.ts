import vine from '@vinejs/vine'
import type { FieldContext } from '@vinejs/vine/types'
import { isCommonPassword } from '#identity/common_passwords'

export const PASSWORD_MIN_LENGTH = 8
export const PASSWORD_MAX_LENGTH = 128

const notCommonPassword = vine.createRule((value: unknown, _, field: FieldContext) => {
  if (typeof value === 'string' && isCommonPassword(value)) {
    field.report('The {{ field }} is too common', 'commonPassword', field)
  }
})

/**
 * A new password: 8 to 128 characters of anything (spaces and emoji
 * included), no composition rules, not one of the commonest passwords,
 * typed twice (ASVS 6.2).
 */
export function newPasswordSchema() {
  return vine
    .string()
    .minLength(PASSWORD_MIN_LENGTH)
    .maxLength(PASSWORD_MAX_LENGTH)
    .use(notCommonPassword())
    .confirmed({ confirmationField: 'password_confirmation' })
}
