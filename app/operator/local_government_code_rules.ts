import vine from '@vinejs/vine'
import type { FieldContext } from '@vinejs/vine/types'

/**
 * 全国地方公共団体コード: five digits and a check digit (weights 6..2,
 * modulus 11). 131032 (港区) passes; 131033 does not.
 */
export function isLocalGovernmentCode(value: string) {
  if (!/^\d{6}$/.test(value)) return false
  const digits = [...value].map(Number)
  const sum = digits.slice(0, 5).reduce((total, digit, index) => total + digit * (6 - index), 0)
  const remainder = sum % 11
  const check = remainder === 0 ? 1 : (11 - remainder) % 10
  return check === digits[5]
}

export const localGovernmentCodeRule = vine.createRule((value: unknown, _, field: FieldContext) => {
  if (typeof value !== 'string' || !isLocalGovernmentCode(value)) {
    field.report(
      'The {{ field }} is not a valid local government code',
      'localGovernmentCode',
      field
    )
  }
})
