import vine from '@vinejs/vine'

/**
 * The history's filters: a program the municipality offers, as
 * "<plugin>:<program>" (the choices come from the request's metadata),
 * and the page.
 */
export const residentHistoryValidator = vine.withMetaData<{ programs: string[] }>().compile(
  vine.object({
    program: vine
      .string()
      .trim()
      .maxLength(130)
      .in((field) => field.meta.programs)
      .optional(),
    page: vine.number().positive().withoutDecimals().max(100000).optional(),
  })
)
