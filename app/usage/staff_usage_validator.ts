import vine from '@vinejs/vine'
import { codeField, programKeyField } from '#shared/usage_field_rules'

const reason = vine.string().trim().minLength(1).maxLength(300)

export const usageFiltersValidator = vine.compile(
  vine.object({
    resident: vine.string().trim().maxLength(32).optional(),
    program: programKeyField().optional(),
    service: codeField().optional(),
    /** YYYY-MM, or "all" for every month */
    month: vine
      .string()
      .trim()
      .regex(/^(\d{4}-(0[1-9]|1[0-2])|all)$/)
      .optional(),
    facility: vine.number().positive().withoutDecimals().optional(),
    status: vine.enum(['reserved', 'posted', 'released', 'cancelled']).optional(),
    page: vine.number().positive().withoutDecimals().max(100000).optional(),
  })
)

export const cancelRedemptionValidator = vine.compile(vine.object({ reason }))
