import { DateTime } from 'luxon'
import { BaseModel, column } from '@adonisjs/lucid/orm'
import { jsonColumn } from '#shared/json_column'

export type AlertStatus = 'open' | 'resolved'

/** Identifiers and counts about what went wrong: never personal data */
export type AlertDetails = Record<string, string | number | boolean | null>

/**
 * A serious condition (a failed job, a silent worker, a broken chain, a
 * failed backup, many server errors): one open row per condition, however
 * often it recurs, until it is resolved.
 */
export default class Alert extends BaseModel {
  @column({ isPrimary: true })
  declare id: number

  /** null: the whole platform */
  @column()
  declare municipalityId: number | null

  /** What went wrong, e.g. worker_silent or job_failed:csv_export */
  @column()
  declare condition: string

  @column()
  declare status: AlertStatus

  @column.dateTime()
  declare firstSeenAt: DateTime

  @column.dateTime()
  declare lastSeenAt: DateTime

  @column.dateTime()
  declare resolvedAt: DateTime | null

  @column()
  declare occurrences: number

  @column(jsonColumn)
  declare details: AlertDetails | null

  /** The kind of condition without its subject (job_failed of job_failed:csv_export) */
  get kind() {
    return this.condition.split(':')[0]
  }
}
