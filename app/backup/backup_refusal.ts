import i18nManager from '@adonisjs/i18n/services/main'

export type BackupRefusalCode =
  | 'no_key'
  | 'not_a_backup'
  | 'wrong_key'
  | 'damaged'
  | 'other_database'
  | 'target_not_empty'
  | 'tool_failed'
  | 'drill_failed'
  | 'upload_failed'
  | 'not_in_s3'

export type BackupMessageParams = Record<string, string | number>

/**
 * Why a backup could not be made, read, copied or restored. Whatever the
 * code, nothing was written to the database: the message says what to do.
 * `message` is in English (logs, events, alerts); `in(locale)` is the
 * operator's (resources/lang/<locale>/backup.json, refusal.<reason>).
 */
export default class BackupRefusal extends Error {
  constructor(
    readonly code: BackupRefusalCode,
    readonly reason: string,
    readonly params: BackupMessageParams = {}
  ) {
    super(i18nManager.locale('en').t(`backup.refusal.${reason}`, params))
    this.name = 'BackupRefusal'
  }

  in(locale: string) {
    return i18nManager.locale(locale).t(`backup.refusal.${this.reason}`, this.params)
  }
}
