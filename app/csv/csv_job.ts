import { DateTime } from 'luxon'
import { BaseModel, column } from '@adonisjs/lucid/orm'
import { jsonColumn } from '#shared/json_column'

export type CsvJobStatus = 'queued' | 'running' | 'done' | 'failed'

/**
 * A CSV import or export running as a queue job: its progress for the
 * progress bar, its result (the import report, the row count) and, for
 * exports, the file to download when it is ready.
 */
export default class CsvJob extends BaseModel {
  @column({ isPrimary: true })
  declare id: number

  @column()
  declare municipalityId: number

  @column()
  declare kind: string

  @column()
  declare status: CsvJobStatus

  @column()
  declare progressDone: number

  @column()
  declare progressTotal: number | null

  @column(jsonColumn)
  declare params: Record<string, unknown>

  @column(jsonColumn)
  declare result: Record<string, unknown> | null

  @column()
  declare filePath: string | null

  @column()
  declare fileName: string | null

  @column()
  declare requestedByUserId: number

  @column.dateTime({ autoCreate: true })
  declare createdAt: DateTime

  @column.dateTime({ autoCreate: true, autoUpdate: true })
  declare updatedAt: DateTime

  @column.dateTime()
  declare finishedAt: DateTime | null

  /** How many runs a worker started; a run finishes only while it is still the latest */
  @column()
  declare attempts: number

  /** The running worker's last sign of life */
  @column.dateTime()
  declare heartbeatAt: DateTime | null

  /** When the queue accepted the job (null: not yet, or the dispatch failed) */
  @column.dateTime()
  declare dispatchedAt: DateTime | null
}
