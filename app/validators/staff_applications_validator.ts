import vine from '@vinejs/vine'
import type { I18n } from '@adonisjs/i18n'
import type { FieldContext, MessagesProviderContact } from '@vinejs/vine/types'
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

/**
 * The shared translated messages, with this screen's field names
 * (staff_applications.fields.*) or, for a plugin's form, its labels.
 */
export function applicationMessages(
  i18n: I18n,
  labels: Record<string, string> = {}
): MessagesProviderContact {
  const shared = i18n.createMessagesProvider()
  return {
    getMessage(message: string, rule: string, field: FieldContext, meta?: Record<string, any>) {
      const key = `staff_applications.fields.${field.name}`
      const name =
        labels[String(field.name)] ??
        (i18n.resolveIdentifier(key) ? i18n.t(key) : String(field.name))
      return shared.getMessage(message, rule, { ...field, name } as FieldContext, meta)
    },
  }
}
