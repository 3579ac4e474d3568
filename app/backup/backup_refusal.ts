export type BackupRefusalCode =
  | 'no_key'
  | 'not_a_backup'
  | 'wrong_key'
  | 'damaged'
  | 'other_database'
  | 'target_not_empty'
  | 'tool_failed'

/**
 * Why a backup could not be made, read or restored. Whatever the code,
 * nothing was written to the database: the message says what to do.
 */
export default class BackupRefusal extends Error {
  constructor(
    readonly code: BackupRefusalCode,
    message: string
  ) {
    super(message)
    this.name = 'BackupRefusal'
  }
}
