import vine from '@vinejs/vine'
import type { LedgerRefusalCode } from '#ledger/ledger_refusal'
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

/** Which field of the start form a refusal belongs under */
export const START_FIELDS: Partial<Record<LedgerRefusalCode, string>> = {
  unknown_program: 'program',
  program_not_enabled: 'program',
  unknown_service: 'service',
  service_not_contracted: 'service',
  visit_length_not_allowed: 'hours',
  visit_start_required: 'visit_start',
  outside_hours: 'visit_start',
}
