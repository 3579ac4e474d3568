import vine from '@vinejs/vine'

/**
 * The resident CSV upload: a file is required; its size and content are
 * checked by the import engine's rules (CsvImportJobs.refusalOf), so the
 * reasons are the engine's translated ones.
 */
export const csvImportValidator = vine.compile(
  vine.object({
    file: vine.file(),
  })
)
