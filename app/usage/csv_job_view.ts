import type { I18n } from '@adonisjs/i18n'
import type CsvJob from '#csv/csv_job'
import type { ImportReport } from '#residents/resident_import'
import CsvJobs, { PROVIDER_JOB_PREFIX } from '#csv/csv_jobs'
import type { EncodingReport } from '#csv/csv_export'
import CsvImportJobs from '#residents/csv_import_jobs'
import type { ExportRequest } from '#usage/usage_exports'

const TIME_ZONE = 'Asia/Tokyo'

/** One formatter per language, made once (a job list shows many times) */
const TIME_FORMATS = {
  en: new Intl.DateTimeFormat('en-GB', {
    timeZone: TIME_ZONE,
    dateStyle: 'long',
    timeStyle: 'short',
  }),
  ja: new Intl.DateTimeFormat('ja-JP', {
    timeZone: TIME_ZONE,
    dateStyle: 'long',
    timeStyle: 'short',
  }),
}

/** 2026年11月21日 10:05 in Japanese, 21 November 2026 at 10:05 in English (Japan time) */
export function displayTime(date: Date, locale: string) {
  return TIME_FORMATS[locale === 'en' ? 'en' : 'ja'].format(date)
}

/**
 * A CSV job as its page and the job list show it, in the viewer's
 * language: the stored report holds codes and values only, translated
 * here on every view (so a Japanese upload's report reads in English to
 * an English reader). Only what the pages show; no upload path.
 */
export default class CsvJobView {
  static summary(job: CsvJob, i18n: I18n) {
    const total = job.progressTotal
    const percent =
      job.status === 'done'
        ? 100
        : total && total > 0
          ? Math.min(100, Math.floor((job.progressDone / total) * 100))
          : 0
    const request = job.params.request as ExportRequest | undefined
    return {
      id: job.id,
      kind: job.kind,
      kindLabel: this.kindLabel(job, i18n),
      status: job.status,
      statusLabel: i18n.t(`staff_csv.job_statuses.${job.status}`),
      subject: request ? this.subject(job, request) : null,
      progress: {
        done: job.progressDone,
        total,
        percent,
        phase: (job.result?.phase as string | undefined) ?? null,
      },
      createdAt: displayTime(job.createdAt.toJSDate(), i18n.locale),
      finishedAt: job.finishedAt ? displayTime(job.finishedAt.toJSDate(), i18n.locale) : null,
      downloadable: job.status === 'done' && job.filePath !== null,
      fileName: job.fileName,
      rows: typeof job.result?.rows === 'number' ? job.result.rows : null,
      replaced: this.replaced(job, i18n),
      failure: CsvJobs.failureText(job, i18n),
    }
  }

  /**
   * Characters a CP932 file could not hold, said before the download: how
   * many became "?", which ones, on which lines (the first 20).
   */
  static replaced(job: CsvJob, i18n: I18n) {
    const report = job.result?.replaced as EncodingReport | undefined
    if (!report || report.replaced === 0) return null
    return i18n.t('staff_csv.replaced', {
      count: report.replaced,
      characters: report.characters.join('、'),
      lines: report.lines.join(', '),
      more: report.lines.length >= 20 ? 'yes' : 'no',
    })
  }

  static kindLabel(job: CsvJob, i18n: I18n) {
    // A provider's export reads like the municipality's export of the same kind
    const kind = job.kind.startsWith(PROVIDER_JOB_PREFIX)
      ? `export_${job.kind.slice(PROVIDER_JOB_PREFIX.length)}`
      : job.kind
    if (kind.startsWith('export_plugin_')) return i18n.t('staff_csv.kinds.export_plugin')
    const request = job.params.request as ExportRequest | undefined
    if (request?.format === 'facility_month_totals') {
      return i18n.t('staff_csv.formats.facility_month_totals')
    }
    return i18n.t(`staff_csv.kinds.${kind}`)
  }

  static subject(job: CsvJob, request: ExportRequest) {
    switch (request.format) {
      case 'resident_history':
        return (job.params.residentNumber as string | null) ?? null
      case 'plugin':
        return `${request.month} (${request.pluginId})`
      default:
        return request.month
    }
  }

  /**
   * An import job's report: counts, every listed problem as row, column
   * and reason, the outcome, and whether it may be committed.
   */
  static importReport(job: CsvJob, i18n: I18n) {
    const report = job.result?.report as ImportReport | undefined
    if (!report) return null
    const committing = job.kind === 'resident_import_commit'
    let outcome: string
    let tone: 'error' | 'ok' | 'info'
    if (report.errorCount > 0) {
      outcome = i18n.t('csv_import.refused', { count: report.errorCount })
      tone = 'error'
    } else if (!committing) {
      outcome = i18n.t('staff_csv.import.ready')
      tone = 'info'
    } else if (report.toCreate + report.toUpdate === 0) {
      outcome = i18n.t('csv_import.nothing_changed')
      tone = 'ok'
    } else {
      outcome = i18n.t('staff_csv.import.committed', {
        created: report.toCreate,
        updated: report.toUpdate,
        unchanged: report.unchanged,
      })
      tone = 'ok'
    }
    return {
      encoding: report.encoding ? i18n.t(`csv_import.encodings.${report.encoding}`) : null,
      rows: report.rows,
      rowsWithErrors: report.rowsWithErrors,
      toCreate: report.toCreate,
      toUpdate: report.toUpdate,
      unchanged: report.unchanged,
      childrenToAdd: report.childrenToAdd,
      childrenToUpdate: report.childrenToUpdate,
      errorCount: report.errorCount,
      unlisted: report.errorCount - report.errors.length,
      problems: report.errors.map((issue) => ({
        row: issue.row,
        column: issue.column,
        reason: i18n.t(`csv_import.errors.${issue.code}`, issue.values ?? {}),
      })),
      committed: report.committed,
      outcome,
      tone,
      canCommit: !committing && CsvImportJobs.commitRefusal(job) === null,
      commitJobId: (job.result?.commitJobId as number | undefined) ?? null,
    }
  }
}
