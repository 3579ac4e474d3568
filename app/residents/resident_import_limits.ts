/*
| The resident import's limits, apart from the importer so that the ace
| command can show them in its help without loading the app.
*/
export type ImportLimits = {
  /** Largest file accepted, in bytes */
  maxBytes: number
  /** Most data rows accepted */
  maxRows: number
  /** Most problems listed in a report (all are counted) */
  maxListedErrors: number
}

export const MEGABYTE = 1024 * 1024

/**
 * Limits for uploads through the web; the ace command may raise maxBytes.
 * The rows are the real guard: a ward's yearly file of 100,000 residents
 * is 8–12 MB, so the file limit leaves room for long names and notes.
 */
export const DEFAULT_IMPORT_LIMITS: ImportLimits = {
  maxBytes: 50 * MEGABYTE,
  maxRows: 100_000,
  maxListedErrors: 1000,
}
