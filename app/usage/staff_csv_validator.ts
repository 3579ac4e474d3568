import vine from '@vinejs/vine'
import { exportEncodingField, exportFormatField } from '#shared/usage_field_rules'

/**
 * An export request. What each format needs (a month, a resident) and
 * whether a facility belongs to this municipality is checked by
 * CsvExportJobs.requestFrom.
 */
export const csvExportValidator = vine.compile(
  vine.object({
    format: exportFormatField(),
    month: vine
      .string()
      .trim()
      .regex(/^\d{4}-(0[1-9]|1[0-2])$/)
      .optional(),
    facility: vine.number().positive().withoutDecimals().optional(),
    resident_number: vine.string().trim().maxLength(32).optional(),
    encoding: exportEncodingField(),
  })
)
