import vine from '@vinejs/vine'

const filters = {
  resident_number: vine.string().trim().maxLength(32).optional(),
  actor: vine.number().positive().withoutDecimals().optional(),
  action: vine
    .string()
    .trim()
    .regex(/^[a-z0-9_.:]+$/)
    .maxLength(80)
    .optional(),
  from: vine.date({ formats: ['YYYY-MM-DD'] }).optional(),
  to: vine
    .date({ formats: ['YYYY-MM-DD'] })
    .afterOrSameAs('from')
    .optional(),
}

export const auditFiltersValidator = vine.compile(
  vine.object({
    ...filters,
    page: vine.number().positive().withoutDecimals().max(100000).optional(),
  })
)

export const auditExportValidator = vine.compile(
  vine.object({
    ...filters,
    encoding: vine.enum(['utf8_bom', 'cp932']).optional(),
  })
)
