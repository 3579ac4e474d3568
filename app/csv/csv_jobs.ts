import env from '#start/env'
import { randomBytes } from 'node:crypto'
import { mkdir, readdir, rm, stat, writeFile } from 'node:fs/promises'
import { basename, join } from 'node:path'
import { DateTime } from 'luxon'
import app from '@adonisjs/core/services/app'
import logger from '@adonisjs/core/services/logger'
import type { I18n } from '@adonisjs/i18n'
import type { TransactionClientContract } from '@adonisjs/lucid/types/database'
import CsvJob from '#csv/csv_job'

/** What a CSV job does; plugin exports are `export_plugin_<pluginId>` */
export type CsvJobKind =
  | 'resident_import_preview'
  | 'resident_import_commit'
  | 'export_facility_month'
  | 'export_resident_history'
  | `export_plugin_${string}`
  | `${typeof PROVIDER_JOB_PREFIX}${string}`

/**
 * Kinds of the provider console's exports start with this: a provider's
 * jobs are its own (ProviderExportJobs), never listed or downloadable in
 * the municipality's CSV screen, and the other way round.
 */
export const PROVIDER_JOB_PREFIX = 'provider_export_'

/**
 * Why a job stopped without a result, translated by
 * staff_csv.failures.<code> when the page is shown (in the viewer's
 * language): the stored row keeps the code only.
 */
export type CsvJobFailureCode = 'file_missing' | 'unexpected'

export class CsvJobFailure extends Error {
  constructor(readonly code: CsvJobFailureCode) {
    super(`CSV job failed: ${code}`)
  }
}

/** How long uploads and export files are kept before the daily prune deletes them */
export const CSV_FILE_RETENTION_DAYS = 7

/** Progress rows are written at most this often (ms), and always at the end of a phase */
const PROGRESS_INTERVAL_MS = 500

/**
 * A job's progress, written to csv_jobs.progress_done/progress_total for
 * the progress bar. Updates come often and synchronously (the import
 * engine's onProgress); they are throttled and written in order, without
 * making the work wait for them.
 */
export class CsvJobProgress {
  #chain: Promise<unknown> = Promise.resolve()
  #lastWrite = 0
  #phase: string | null = null

  constructor(private readonly jobId: number) {}

  update(done: number, total: number, phase: string | null = null) {
    const now = Date.now()
    const phaseChanged = phase !== this.#phase
    if (!phaseChanged && done < total && now - this.#lastWrite < PROGRESS_INTERVAL_MS) return
    this.#lastWrite = now
    this.#phase = phase
    const values: Record<string, unknown> = { progressDone: done, progressTotal: total }
    if (phase) values.result = { phase }
    this.#chain = this.#chain
      .then(() => CsvJob.query().where('id', this.jobId).update(toColumns(values)))
      .catch((error) => logger.warn({ err: error, csvJob: this.jobId }, 'progress not saved'))
  }

  /** Waits for the progress writes already started */
  async flush() {
    await this.#chain
  }
}

function toColumns(values: Record<string, unknown>) {
  const columns: Record<string, unknown> = {}
  if ('progressDone' in values) columns.progress_done = values.progressDone
  if ('progressTotal' in values) columns.progress_total = values.progressTotal
  if ('result' in values) columns.result = JSON.stringify(values.result)
  return columns
}

export type CsvJobOutcome = {
  result: Record<string, unknown>
  /** An export's file, relative to the jobs directory, and its download name */
  file?: { path: string; name: string }
}

/**
 * The CSV jobs of a municipality: where their files live, creating,
 * finding (always within the municipality), running with progress and a
 * recorded failure, and pruning old files.
 *
 * Files live in one directory (CSV_JOBS_DIR, default tmp/csv_jobs) under
 * random names; with Redis and workers on other hosts it must be a shared
 * volume. The stored path is relative to it, so a job row never points
 * anywhere else.
 */
export default class CsvJobs {
  static directory() {
    return env.get('CSV_JOBS_DIR') || app.tmpPath('csv_jobs')
  }

  /** The absolute path of a stored file name; a name with a directory in it is refused */
  static pathOf(name: string) {
    if (basename(name) !== name || name.startsWith('.')) throw new CsvJobFailure('file_missing')
    return join(this.directory(), name)
  }

  /** A fresh random file name in the jobs directory (created if missing) */
  static async newFileName(extension: 'csv' | 'upload') {
    await mkdir(this.directory(), { recursive: true })
    return `${randomBytes(16).toString('hex')}.${extension}`
  }

  /** Keeps an uploaded file under a random name; returns the name */
  static async storeUpload(bytes: Uint8Array) {
    const name = await this.newFileName('upload')
    await writeFile(this.pathOf(name), bytes, { mode: 0o600 })
    return name
  }

  static async create(
    input: {
      municipalityId: number
      kind: CsvJobKind
      params: Record<string, unknown>
      requestedByUserId: number
    },
    trx?: TransactionClientContract
  ) {
    return CsvJob.create(
      { ...input, status: 'queued', progressDone: 0, progressTotal: null },
      { client: trx }
    )
  }

  /**
   * A job of this municipality's staff, or null (another municipality's
   * job, or a provider's, is not found)
   */
  static async find(municipalityId: number, id: number) {
    return this.#staffJobs(municipalityId).where('id', id).first()
  }

  static async recent(municipalityId: number, limit = 20) {
    return this.#staffJobs(municipalityId)
      .orderBy('created_at', 'desc')
      .orderBy('id', 'desc')
      .limit(limit)
  }

  static #staffJobs(municipalityId: number) {
    return CsvJob.query()
      .where('municipality_id', municipalityId)
      .whereNot('kind', 'like', `${PROVIDER_JOB_PREFIX}%`)
  }

  /**
   * Runs a job's work: marks it running, gives the work a progress writer,
   * then stores its result (and file) as done, or, on any error, marks it
   * failed with a code and logs the error. Never throws: a failed job is a
   * state the page explains, not a crash (and not retried: staff start it
   * again, knowing why it stopped).
   */
  static async run(
    jobId: number,
    work: (job: CsvJob, progress: CsvJobProgress) => Promise<CsvJobOutcome>
  ) {
    const job = await CsvJob.find(jobId)
    if (!job || job.status !== 'queued') return
    job.status = 'running'
    await job.save()
    const progress = new CsvJobProgress(job.id)
    try {
      const outcome = await work(job, progress)
      await progress.flush()
      await job.refresh()
      job.merge({
        status: 'done',
        result: outcome.result,
        filePath: outcome.file?.path ?? null,
        fileName: outcome.file?.name ?? null,
        finishedAt: DateTime.now(),
      })
      if (job.progressTotal === null || job.progressDone < job.progressTotal) {
        job.progressTotal = Math.max(job.progressTotal ?? 0, job.progressDone)
        job.progressDone = job.progressTotal
      }
      await job.save()
    } catch (error) {
      await progress.flush()
      const code: CsvJobFailureCode = error instanceof CsvJobFailure ? error.code : 'unexpected'
      if (code === 'unexpected') logger.error({ err: error, csvJob: job.id }, 'CSV job failed')
      await job.refresh()
      job.merge({ status: 'failed', result: { failure: { code } }, finishedAt: DateTime.now() })
      await job.save()
    }
  }

  /** Why a failed job stopped, in the reader's language; null for a job that did not fail */
  static failureText(job: CsvJob, i18n: I18n) {
    if (job.status !== 'failed') return null
    const code = (job.result?.failure as { code?: string } | undefined)?.code ?? 'unexpected'
    return i18n.t(`staff_csv.failures.${code}`)
  }

  /**
   * Deletes uploads and export files older than the retention period (the
   * files of rolled-back or abandoned jobs too) and forgets them on their
   * jobs, which stay listed as history. Returns how many files went.
   */
  static async prune(now = DateTime.now(), days = CSV_FILE_RETENTION_DAYS) {
    const cutoff = now.minus({ days })
    let names: string[]
    try {
      names = await readdir(this.directory())
    } catch {
      return 0
    }
    let removed = 0
    for (const name of names) {
      if (!/^[0-9a-f]{32}\.(csv|upload)$/.test(name)) continue
      const path = join(this.directory(), name)
      const info = await stat(path).catch(() => null)
      if (!info || info.mtimeMs >= cutoff.toMillis()) continue
      await rm(path, { force: true })
      removed++
    }
    const withFiles = await CsvJob.query().whereNotNull('file_path')
    for (const job of withFiles) {
      if (job.createdAt >= cutoff) continue
      job.filePath = null
      await job.save()
    }
    return removed
  }
}
