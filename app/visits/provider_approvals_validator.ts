import vine from '@vinejs/vine'

/** The queue's facility filter (checked against the provider's own facilities) */
export const approvalQueueValidator = vine.compile(
  vine.object({
    facility: vine.number().positive().withoutDecimals().optional(),
  })
)

/** Why the visit is not approved: the resident reads it */
export const rejectVisitValidator = vine.compile(
  vine.object({
    reason: vine.string().trim().minLength(1).maxLength(500),
  })
)

/** The actual length of the visit, in minutes (the form offers the program's lengths) */
export const correctVisitValidator = vine.compile(
  vine.object({
    minutes: vine
      .number()
      .positive()
      .withoutDecimals()
      .max(24 * 60),
  })
)
