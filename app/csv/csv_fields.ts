/**
 * The values a plugin's CSV columns may name. The core fills them; a plugin
 * chooses which, in what order, under what headers. A manifest naming
 * anything else is refused at boot.
 */
export const CSV_EXPORT_FIELDS = [
  'redemption_id',
  'visit_date',
  'visit_start',
  'resident_number',
  'resident_name',
  'resident_name_kana',
  'service_code',
  'service_name',
  'minutes',
  'units',
  'provider_name',
  'status',
  'definition_version',
  'copayment_tier',
  'copayment_yen',
] as const

export const CSV_IMPORT_FIELDS = [
  'resident_number',
  'service_code',
  'units',
  'minutes',
  'valid_to',
  'copayment_tier',
  'child_birth_date',
  'child_due_date',
] as const

export type CsvExportField = (typeof CSV_EXPORT_FIELDS)[number]
export type CsvImportField = (typeof CSV_IMPORT_FIELDS)[number]
