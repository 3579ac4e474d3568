import vine from '@vinejs/vine'
import { codeField, programKeyField } from '#shared/usage_field_rules'

/**
 * Start a visit (provider console): the program as "<plugin id>/<program
 * code>", one of its services, the facility, the day, the start time and
 * the planned hours. The program's own rules (lengths, hours of the day)
 * and the provider's contract are the ledger's to check.
 */
export const startVisitValidator = vine.compile(
  vine.object({
    program: programKeyField(),
    service: codeField(),
    facility_id: vine.number().positive().withoutDecimals().optional(),
    visit_date: vine.date({ formats: ['YYYY-MM-DD'] }),
    visit_start: vine
      .string()
      .trim()
      .regex(/^([01]\d|2[0-3]):[0-5]\d$/),
    hours: vine.number().positive().max(24),
  })
)
