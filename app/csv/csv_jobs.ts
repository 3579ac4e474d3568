import env from '#start/env'
import { randomBytes } from 'node:crypto'
import { mkdir, readdir, rm, stat, writeFile } from 'node:fs/promises'
import { basename, join } from 'node:path'
import { DateTime } from 'luxon'
import app from '@adonisjs/core/services/app'
import logger from '@adonisjs/core/services/logger'
import db from '@adonisjs/lucid/services/db'
import type { I18n } from '@adonisjs/i18n'
import type { TransactionClientContract } from '@adonisjs/lucid/types/database'
import CsvJob from '#csv/csv_job'
import { affectedRows } from '#shared/affected_rows'
import queue from '#queue/queue'
import type { JobContext } from '#queue/job'
import { QueueUnavailableError } from '#queue/queue_unavailable_error'
import CsvQueueUnavailableException from '#csv/csv_queue_unavailable_exception'

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
export type CsvJobFailureCode = 'file_missing' | 'unexpected' | 'interrupted' | 'queue_unavailable'

export class CsvJobFailure extends Error {
  constructor(readonly code: CsvJobFailureCode) {
    super(`CSV job failed: ${code}`)
  }
}

/** How long uploads and export files are kept before the daily prune deletes them */
export const CSV_FILE_RETENTION_DAYS = 7

/** A running job's worker says it is alive this often (ms) */
const HEARTBEAT_INTERVAL_MS = 15_000

/**
 * A job running with no heartbeat for this long, or queued this long
 * without the queue having accepted it, has lost its worker or its
 * dispatch (a redelivered job is taken again well before: BullMQ's lock
 * lasts 30 s).
 */
export const STALE_AFTER_MS = 2 * 60_000

/**
 * Another worker took the job over (this run's worker was presumed dead):
 * this run must change nothing, its transaction rolls back.
 */
export class CsvRunSuperseded extends Error {
  constructor(readonly csvJobId: number) {
    super(`CSV job ${csvJobId} was taken over by another run`)
  }
}

/**
 * A time as Lucid writes this database's timestamp columns (SQLite keeps
 * local text, not a JS Date's milliseconds), for raw updates and
 * comparisons with them.
 */
function sqlTime(time: DateTime = DateTime.now()) {
  return time.toFormat(db.connection().dialect.dateTimeFormat)
}

/** The queue job that runs a CSV job of this kind */
export function queueJobOf(kind: string) {
  if (kind === 'resident_import_preview') return 'csv_import_preview'
  if (kind === 'resident_import_commit') return 'csv_import_commit'
  return 'csv_export'
}

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
      { ...input, status: 'queued', progressDone: 0, progressTotal: null, attempts: 0 },
      { client: trx }
    )
  }

  /**
   * Hands a created (committed) job to the queue. If Redis does not take
   * it within the dispatch timeout, the job is marked failed at once
   * (queue_unavailable: nothing ran, nothing will run later behind the
   * staff's back) and CsvQueueUnavailableException answers 503 with a
   * translated message. A process that dies between the job's commit and
   * this leaves it queued without dispatched_at, which `sweep` fails.
   */
  static async dispatch(job: CsvJob) {
    try {
      await queue.dispatch(queueJobOf(job.kind), { csvJobId: job.id })
    } catch (error) {
      if (!(error instanceof QueueUnavailableError)) throw error
      await CsvJob.query()
        .where('id', job.id)
        .where('status', 'queued')
        .update({
          status: 'failed',
          result: JSON.stringify({ failure: { code: 'queue_unavailable' } }),
          finished_at: sqlTime(),
        })
      throw new CsvQueueUnavailableException(job.id, { cause: error })
    }
    await CsvJob.query().where('id', job.id).update({ dispatched_at: sqlTime() })
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
   * Runs a job's work: claims it (a queued job, or a running one the queue
   * hands again because its worker died: `context.redelivered`), keeps a
   * heartbeat while it runs, gives the work a progress writer, then stores
   * its result (and file) as done, or, on any error, marks it failed with
   * a code and logs the error. Never throws: a failed job is a state the
   * page explains, not a crash (and not retried: staff start it again,
   * knowing why it stopped). A run finishes the job only while it is the
   * job's latest run (`attempts`), so a worker presumed dead that wakes
   * up changes nothing.
   */
  static async run(
    jobId: number,
    work: (job: CsvJob, progress: CsvJobProgress) => Promise<CsvJobOutcome>,
    context: Pick<JobContext, 'redelivered'> = { redelivered: false }
  ) {
    const job = await this.#claim(jobId, context.redelivered)
    if (!job) return
    const run = job.attempts
    const stopHeartbeat = this.#heartbeat(job.id, run)
    const progress = new CsvJobProgress(job.id)
    try {
      const outcome = await work(job, progress)
      await progress.flush()
      await job.refresh()
      if (job.attempts !== run) return
      job.merge({
        status: 'done',
        result: outcome.result,
        filePath: outcome.file?.path ?? null,
        fileName: outcome.file?.name ?? null,
        finishedAt: job.finishedAt ?? DateTime.now(),
      })
      if (job.progressTotal === null || job.progressDone < job.progressTotal) {
        job.progressTotal = Math.max(job.progressTotal ?? 0, job.progressDone)
        job.progressDone = job.progressTotal
      }
      await job.save()
    } catch (error) {
      await progress.flush()
      if (error instanceof CsvRunSuperseded) return
      const code: CsvJobFailureCode = error instanceof CsvJobFailure ? error.code : 'unexpected'
      if (code === 'unexpected') logger.error({ err: error, csvJob: job.id }, 'CSV job failed')
      await job.refresh()
      if (job.attempts !== run) return
      job.merge({ status: 'failed', result: { failure: { code } }, finishedAt: DateTime.now() })
      await job.save()
    } finally {
      stopHeartbeat()
    }
  }

  /**
   * Takes the job for a new run, or null when it is not this run's to
   * take (finished, failed, or running with its worker alive). The
   * conditional update lets one of two workers win.
   */
  static async #claim(jobId: number, redelivered: boolean) {
    const job = await CsvJob.find(jobId)
    if (!job) return null
    const takeOver = job.status === 'running' && redelivered
    if (job.status !== 'queued' && !takeOver) return null
    if (takeOver) logger.warn({ csvJob: job.id }, 'CSV job redelivered: its worker died; run again')
    const claimed = await this.#unchanged(job).update({
      status: 'running',
      attempts: job.attempts + 1,
      heartbeat_at: sqlTime(),
      progress_done: 0,
      updated_at: sqlTime(),
    })
    if (affectedRows(claimed) !== 1) return null
    await job.refresh()
    return job
  }

  /** The job's row, as long as no one changed its status or run since it was read */
  static #unchanged(job: CsvJob) {
    return CsvJob.query()
      .where('id', job.id)
      .where('status', job.status)
      .where('attempts', job.attempts)
  }

  /** Writes heartbeat_at while the run lasts; returns the stop */
  static #heartbeat(jobId: number, run: number) {
    let pending = false
    const timer = setInterval(() => {
      if (pending) return
      pending = true
      CsvJob.query()
        .where('id', jobId)
        .where('attempts', run)
        .where('status', 'running')
        .update({ heartbeat_at: sqlTime() })
        .catch((error) => logger.warn({ err: error, csvJob: jobId }, 'heartbeat not saved'))
        .finally(() => (pending = false))
    }, HEARTBEAT_INTERVAL_MS)
    timer.unref()
    return () => clearInterval(timer)
  }

  /**
   * Marks the job done inside the transaction that does its work (the
   * import's), so that the work and "done" commit together: a worker that
   * dies after the commit leaves a job the next run does not take. Throws
   * CsvRunSuperseded (rolling the work back) when another run took over.
   */
  static async markDoneWithin(
    trx: TransactionClientContract,
    job: CsvJob,
    result: Record<string, unknown>
  ) {
    const updated = await trx
      .from('csv_jobs')
      .where('id', job.id)
      .where('attempts', job.attempts)
      .where('status', 'running')
      .update({ status: 'done', result: JSON.stringify(result), finished_at: sqlTime() })
    if (affectedRows(updated) !== 1) throw new CsvRunSuperseded(job.id)
  }

  /**
   * Fails the jobs whose worker or dispatch died: running with no
   * heartbeat for STALE_AFTER_MS, or queued that long without the queue
   * having accepted them, or (`queueLostBefore`) queued to an in-process
   * queue of a process that has since ended. They read 処理が中断されました
   * on their page; `jobs:retry` (or staff, starting again) runs them anew.
   * Returns them.
   */
  static async sweep(now = DateTime.now(), queueLostBefore: Date | null = null) {
    const stale = await this.stale(now, queueLostBefore)
    const failed: CsvJob[] = []
    for (const job of stale) {
      const updated = await this.#unchanged(job).update({
        status: 'failed',
        result: JSON.stringify({ failure: { code: 'interrupted' } }),
        finished_at: sqlTime(now),
      })
      if (affectedRows(updated) !== 1) continue
      logger.warn({ csvJob: job.id, was: job.status }, 'CSV job interrupted: marked failed')
      failed.push(job)
    }
    return failed
  }

  /** Jobs that lost their worker or dispatch (see sweep), oldest first */
  static async stale(now = DateTime.now(), queueLostBefore: Date | null = null) {
    const cutoff = sqlTime(now.minus({ milliseconds: STALE_AFTER_MS }))
    return CsvJob.query()
      .where((query) =>
        query
          .where((running) =>
            running
              .where('status', 'running')
              .where((beat) => beat.where('heartbeat_at', '<', cutoff).orWhereNull('heartbeat_at'))
          )
          .orWhere((queued) =>
            queued
              .where('status', 'queued')
              .whereNull('dispatched_at')
              .where('created_at', '<', cutoff)
          )
          .if(queueLostBefore, (lost) =>
            lost.orWhere((queued) =>
              queued
                .where('status', 'queued')
                .where('dispatched_at', '<', sqlTime(DateTime.fromJSDate(queueLostBefore!)))
            )
          )
      )
      .orderBy('id')
  }

  /**
   * Runs a failed or interrupted job again (an operator's `jobs:retry`).
   * A finished job, or one running with a live worker, is refused: an
   * import committed once is never committed twice.
   */
  static async retry(jobId: number): Promise<'retried' | 'not_found' | 'finished' | 'running'> {
    const job = await CsvJob.find(jobId)
    if (!job) return 'not_found'
    if (job.status === 'done') return 'finished'
    if (job.status !== 'failed') {
      const stale = await this.stale()
      if (!stale.some((candidate) => candidate.id === job.id)) return 'running'
    }
    const reset = await this.#unchanged(job).update({
      status: 'queued',
      result: null,
      progress_done: 0,
      progress_total: null,
      finished_at: null,
      heartbeat_at: null,
      dispatched_at: null,
      updated_at: sqlTime(),
    })
    if (affectedRows(reset) !== 1) return 'running'
    await job.refresh()
    await this.dispatch(job)
    return 'retried'
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
