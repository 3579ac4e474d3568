import vine from '@vinejs/vine'
import { MEMO_MAX_LENGTH } from '#providers/provider_memos'
import { MONTH, exportEncodingField, exportFormatField } from '#shared/usage_field_rules'

/**
 * The monthly history's filters: a month, one of the provider's
 * facilities (checked by the controller, 404 otherwise) and a program the
 * provider is contracted for, as "<plugin id>:<program code>" (the choices
 * come from the request's metadata).
 */
export const providerHistoryFiltersValidator = vine.withMetaData<{ programs: string[] }>().compile(
  vine.object({
    month: vine.string().trim().regex(MONTH).optional(),
    facility: vine.number().positive().withoutDecimals().optional(),
    program: vine.enum((field) => field.meta.programs as string[]).optional(),
  })
)

/**
 * The month's export: the format is checked by ProviderExportJobs (one
 * the provider is offered), the facility by the controller.
 */
export const providerExportValidator = vine.compile(
  vine.object({
    format: exportFormatField(),
    month: vine.string().trim().regex(MONTH),
    facility: vine.number().positive().withoutDecimals(),
    encoding: exportEncodingField(),
  })
)

/** The memo list's filter: a visit to write about (from the history page) */
export const providerMemoPageValidator = vine.compile(
  vine.object({
    visit: vine.number().positive().withoutDecimals().optional(),
  })
)

/** A memo on one of the provider's visits or on a resident it served (by 利用者ID) */
export const providerMemoValidator = vine.compile(
  vine.object({
    target: vine.enum(['visit', 'resident']),
    redemption_id: vine
      .number()
      .positive()
      .withoutDecimals()
      .optional()
      .requiredWhen('target', '=', 'visit'),
    resident_number: vine
      .string()
      .trim()
      .maxLength(32)
      .optional()
      .requiredWhen('target', '=', 'resident'),
    body: vine.string().trim().minLength(1).maxLength(MEMO_MAX_LENGTH),
  })
)
