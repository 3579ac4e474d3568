import type { I18n } from '@adonisjs/i18n'
import type { LocalizedText } from '#plugin_host/define_plugin'
import { ledgerRefusals } from '#metrics/metrics_registry'

/**
 * Why the ledger refused an operation. `code` maps to a translated message
 * (errors.ledger.<code>), `values` fill it in. Nothing was changed.
 */
export type LedgerRefusalCode =
  // ledger mechanics
  | 'not_enough_minutes'
  | 'cap_exceeded'
  | 'no_valid_lot'
  | 'idempotency_conflict'
  | 'not_reserved'
  | 'not_posted'
  | 'invalid_amount'
  // issuance under a program's rules
  | 'unknown_program'
  | 'program_not_enabled'
  | 'resident_not_found'
  | 'window_required'
  | 'unknown_definition'
  | 'child_required'
  | 'child_not_found'
  | 'child_dates_missing'
  | 'unknown_window'
  | 'window_not_for_birth'
  | 'windows_over'
  | 'below_minimum'
  | 'not_whole_units'
  | 'service_not_in_window'
  | 'copayment_tier_required'
  | 'unknown_copayment_tier'
  | 'child_too_old'
  // redemption under a program's rules
  | 'unknown_service'
  | 'visit_length_not_allowed'
  | 'visit_start_required'
  | 'outside_hours'
  | 'daily_visits_reached'
  | 'daily_minutes_exceeded'
  | 'sub_cap_reached'
  | 'service_period_over'
  | 'visit_token_unknown'
  | 'visit_token_used'
  | 'visit_token_expired'
  | 'service_not_contracted'
  // staff changes to a lot
  | 'lot_not_found'
  | 'lot_revoked'
  | 'lot_expired'
  | 'reason_required'
  | 'invalid_date'
  | 'expiry_unchanged'
  | 'expiry_before_start'
  | 'expiry_in_past'
  | 'expiry_before_visit'

type RefusalValue = string | number | LocalizedText

/** Values counted in minutes; messages show them in hours */
const MINUTE_VALUES = new Set([
  'available',
  'requested',
  'cap',
  'already',
  'used',
  'limit',
  'minimum',
  'maximum',
  'unit',
])

/** Values that are calendar dates (YYYY-MM-DD); messages show them in the reader's style */
const DATE_VALUES = new Set(['until', 'validTo', 'validFrom', 'visitDate', 'today'])

export default class LedgerRefusal extends Error {
  constructor(
    readonly code: LedgerRefusalCode,
    readonly values: Record<string, RefusalValue> = {},
    /** A rule's limit on one lot, refused only if no other lot pays: counted when thrown */
    { limit = false }: { limit?: boolean } = {}
  ) {
    super(`Ledger refused: ${code} ${JSON.stringify(values)}`)
    this.name = 'LedgerRefusal'
    if (!limit) ledgerRefusals.inc({ reason: code })
  }

  /** A limit that did refuse the operation, counted as refusals are */
  refused() {
    ledgerRefusals.inc({ reason: this.code })
    return this
  }

  /**
   * The reason in the reader's language: names in their language, minutes
   * as hours.
   */
  translate(i18n: I18n) {
    const values: Record<string, string | number> = {}
    for (const [key, value] of Object.entries(this.values)) {
      if (typeof value === 'object') values[key] = i18n.locale === 'en' ? value.en : value.ja
      else if (typeof value === 'number' && MINUTE_VALUES.has(key)) {
        values[key] = Math.round((value / 60) * 100) / 100
      } else if (typeof value === 'string' && DATE_VALUES.has(key)) {
        values[key] = i18n.formatDate(new Date(`${value}T00:00:00Z`), {
          dateStyle: 'long',
          timeZone: 'UTC',
        })
      } else values[key] = value
    }
    return i18n.t(`errors.ledger.${this.code}`, values)
  }
}
