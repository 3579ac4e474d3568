import vine from '@vinejs/vine'

export const statisticsFiltersValidator = vine.compile(
  vine.object({
    /** "<plugin id>/<program code>"; empty for every program */
    program: vine
      .string()
      .trim()
      .maxLength(130)
      .regex(/^[a-z0-9_]+\/[a-z0-9_]+$/)
      .optional(),
    month: vine
      .string()
      .trim()
      .regex(/^(19|20|21)\d{2}-(0[1-9]|1[0-2])$/)
      .optional(),
  })
)
