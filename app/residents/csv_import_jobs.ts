import { createHash } from 'node:crypto'
import { readFile, rm } from 'node:fs/promises'
import db from '@adonisjs/lucid/services/db'
import AuditTrail from '#audit/audit_trail'
import type { StaffAction } from '#audit/staff_action'
import { CsvReadError, decodeCsvBytes } from '#csv/csv_decoding'
import type { ImportErrorCode, ImportIssue } from '#csv/import_issues'
import ResidentImport, { type ImportReport } from '#residents/resident_import'
import CsvJobs, { CsvJobFailure } from '#csv/csv_jobs'
import CsvJob from '#csv/csv_job'
import type { JobContext } from '#queue/job'

/** The engine's names for the reasons bytes are not a CSV file at all */
const READ_REFUSALS: Record<CsvReadError['reason'], ImportErrorCode> = {
  empty: 'empty_file',
  excel_workbook: 'excel_workbook',
  utf16: 'utf16',
  not_csv: 'not_csv',
  unreadable: 'unreadable',
  malformed: 'malformed_csv',
}

export type CommitRefusal = 'not_checked' | 'has_errors' | 'already_committed'

/**
 * The web's resident CSV import as jobs: an upload is checked at once for
 * what makes it no CSV at all (too large, empty, a workbook, binary), then
 * stored and previewed by a job (kind resident_import_preview) whose
 * report lists every row error as codes, translated when shown; a clean
 * preview can be committed by a second job (kind resident_import_commit),
 * all or nothing, by the same engine the ace command uses.
 */
export default class CsvImportJobs {
  static importer = new ResidentImport()

  /**
   * Why the file is refused before any job starts, as the engine's issue
   * (translated by csv_import.errors.<code>), or null.
   */
  static refusalOf(bytes: Uint8Array): ImportIssue | null {
    const oversize = this.importer.oversizeReport(bytes.length)
    if (oversize) return oversize.errors[0]
    try {
      decodeCsvBytes(bytes)
    } catch (error) {
      if (!(error instanceof CsvReadError)) throw error
      return { row: null, column: null, code: READ_REFUSALS[error.reason] }
    }
    return null
  }

  /** Stores the upload, records the request and starts its preview */
  static async start(municipalityId: number, bytes: Uint8Array, by: StaffAction) {
    const upload = await CsvJobs.storeUpload(bytes)
    const sha256 = createHash('sha256').update(bytes).digest('hex')
    const job = await db.transaction(async (trx) => {
      const created = await CsvJobs.create(
        {
          municipalityId,
          kind: 'resident_import_preview',
          params: { upload, actor: by, bytes: bytes.length, file_sha256: sha256 },
          requestedByUserId: by.actorUserId!,
        },
        trx
      )
      await AuditTrail.record(
        {
          municipalityId,
          action: 'csv.import_requested',
          actorUserId: by.actorUserId,
          actorRole: by.actorRole,
          source: by.source,
          destination: by.destination ?? null,
          details: { csv_job_id: created.id, bytes: bytes.length, file_sha256: sha256 },
        },
        trx
      )
      return created
    })
    await CsvJobs.dispatch(job)
    return job
  }

  static async preview(csvJobId: number, context?: JobContext) {
    await CsvJobs.run(
      csvJobId,
      async (job, progress) => {
        const bytes = await this.#upload(job)
        const report = await this.importer.preview(job.municipalityId, bytes, {
          onProgress: (step) => progress.update(step.done, step.total, step.phase),
        })
        return { result: { report } }
      },
      context
    )
    // Residents' data is kept no longer than a job needs it: a preview that
    // cannot be committed (errors, or it failed) is the upload's last job
    const job = await CsvJob.find(csvJobId)
    if (job && this.commitRefusal(job) !== null) await this.#deleteUpload(job)
  }

  /** Why a preview cannot be committed, or null */
  static commitRefusal(preview: CsvJob): CommitRefusal | null {
    if (preview.kind !== 'resident_import_preview' || preview.status !== 'done') {
      return 'not_checked'
    }
    // A commit that failed (nothing imported: it is all or nothing) can be started again
    if (preview.result?.commitJobId && preview.result.commitFailed !== true) {
      return 'already_committed'
    }
    const report = preview.result?.report as ImportReport | undefined
    if (!report || report.errorCount > 0) return 'has_errors'
    return null
  }

  /**
   * Starts the commit of a clean preview (once: a second click goes to the
   * first commit's job). Returns the commit job, or why not.
   */
  static async requestCommit(
    preview: CsvJob,
    by: StaffAction
  ): Promise<{ job: CsvJob } | { refusal: CommitRefusal; job?: CsvJob }> {
    let refusal = this.commitRefusal(preview)
    if (refusal === 'already_committed') {
      const existing = await CsvJobs.find(
        preview.municipalityId,
        Number(preview.result!.commitJobId)
      )
      // A commit that failed (interrupted: nothing imported) may be started again
      if (existing?.status === 'failed') refusal = null
      else return existing ? { job: existing } : { refusal }
    }
    if (refusal) return { refusal }

    const job = await CsvJobs.create({
      municipalityId: preview.municipalityId,
      kind: 'resident_import_commit',
      params: {
        upload: preview.params.upload,
        actor: by,
        previewJobId: preview.id,
        bytes: preview.params.bytes,
        file_sha256: preview.params.file_sha256,
      },
      requestedByUserId: by.actorUserId!,
    })
    preview.result = { ...preview.result, commitJobId: job.id, commitFailed: false }
    await preview.save()
    try {
      await CsvJobs.dispatch(job)
    } catch (error) {
      await this.#reopenPreview(job)
      throw error
    }
    return { job }
  }

  /**
   * Imports a checked upload, all or nothing; the job is marked done in
   * the import's own transaction, so a run after a worker died either
   * finds nothing imported (rolled back: it imports) or the job done (it
   * does nothing): never imported twice.
   */
  static async commit(csvJobId: number, context?: JobContext) {
    await CsvJobs.run(
      csvJobId,
      async (job, progress) => {
        const bytes = await this.#upload(job)
        const actor = job.params.actor as StaffAction
        const report = await this.importer.commit(
          job.municipalityId,
          bytes,
          { ...actor, destination: `csv_job:${job.id}` },
          {
            onProgress: (step) => progress.update(step.done, step.total, step.phase),
            beforeCommit: (trx, committed) =>
              CsvJobs.markDoneWithin(trx, job, { report: committed }),
          }
        )
        return { result: { report } }
      },
      context
    )
    const job = await CsvJob.find(csvJobId)
    if (!job) return
    if (job.status === 'failed') await this.#reopenPreview(job)
    // A failed commit keeps the upload: staff may commit the checked file again
    else await this.#deleteUpload(job)
  }

  /** Lets staff commit the preview again after its commit failed */
  static async #reopenPreview(commitJob: CsvJob) {
    const preview = await CsvJob.find(Number(commitJob.params.previewJobId))
    if (!preview || preview.result?.commitJobId !== commitJob.id) return
    preview.result = { ...preview.result, commitFailed: true }
    await preview.save()
  }

  static async #deleteUpload(job: CsvJob) {
    try {
      await rm(CsvJobs.pathOf(String(job.params.upload)), { force: true })
    } catch (error) {
      if (!(error instanceof CsvJobFailure)) throw error
    }
  }

  static async #upload(job: CsvJob) {
    try {
      return await readFile(CsvJobs.pathOf(String(job.params.upload)))
    } catch (error) {
      if (error instanceof CsvJobFailure) throw error
      throw new CsvJobFailure('file_missing')
    }
  }
}
