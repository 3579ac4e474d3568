import vine from '@vinejs/vine'
import { APPLICATION_STATUSES, REASON_MAX_LENGTH } from '#applications/program_applications'

export const applicationQueueValidator = vine.compile(
  vine.object({
    status: vine.enum([...APPLICATION_STATUSES, 'all'] as const).optional(),
    program: vine
      .string()
      .trim()
      .regex(/^[a-z0-9_]+:[a-z0-9_]+$/)
      .maxLength(130)
      .optional(),
    resident: vine.string().trim().maxLength(32).optional(),
    page: vine.number().positive().withoutDecimals().max(100000).optional(),
  })
)

export const approveApplicationValidator = vine.compile(
  vine.object({
    units: vine.number().positive().withoutDecimals().max(100000).optional(),
    copayment_tier: vine.string().trim().maxLength(16).optional(),
    child_id: vine.number().positive().withoutDecimals().optional(),
  })
)

export const rejectApplicationValidator = vine.compile(
  vine.object({
    reason: vine.string().trim().minLength(1).maxLength(REASON_MAX_LENGTH),
  })
)
