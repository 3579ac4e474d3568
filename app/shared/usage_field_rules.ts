import vine from '@vinejs/vine'

/*
| Fields the staff and provider consoles' usage forms share: a program,
| a service, a month and a CSV export's format and encoding, read one way
| wherever they are sent.
*/

/** A month of the years 1900–2199, YYYY-MM */
export const MONTH = /^(19|20|21)\d{2}-(0[1-9]|1[0-2])$/

/** "<plugin id>/<program code>", as the program selects send it */
export const programKeyField = () =>
  vine
    .string()
    .trim()
    .regex(/^[a-z0-9_]+\/[a-z0-9_]+$/)
    .maxLength(130)

/** A service's (or a window's) code */
export const codeField = () =>
  vine
    .string()
    .trim()
    .regex(/^[a-z0-9_]+$/)
    .maxLength(64)

/** An export format: "facility_month", "plugin:<plugin id>:<spec key>" and so on */
export const exportFormatField = () =>
  vine
    .string()
    .trim()
    .maxLength(140)
    .regex(/^[a-z0-9_:]+$/)

/** The CSV file's encoding (CsvEncoding) */
export const exportEncodingField = () => vine.enum(['utf8_bom', 'cp932'] as const)
