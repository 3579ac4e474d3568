import env from '#start/env'
import type { QueueConfig } from '#queue/types'

/*
| With REDIS_HOST set, jobs go to BullMQ on Redis and `node ace queue:work`
| runs them. Without it, jobs run in this process with the same retries.
*/
const redisHost = env.get('REDIS_HOST')

const queueConfig: QueueConfig = {
  redis: redisHost
    ? {
        host: redisHost,
        port: env.get('REDIS_PORT', 6379),
        password: env.get('REDIS_PASSWORD'),
        db: env.get('REDIS_DB', 0),
      }
    : null,
  queueName: env.get('QUEUE_NAME', 'tomoni'),
  concurrency: env.get('QUEUE_CONCURRENCY', 5),
  // How soon a job whose worker died is handed to another (BullMQ: 30 s)
  lockDurationMs: env.get('QUEUE_LOCK_MS'),
  stalledIntervalMs: env.get('QUEUE_LOCK_MS'),
  defaults: {
    attempts: 3,
    backoff: { type: 'exponential', delay: 1000 },
  },
  /*
  | Core jobs, by name. Plugins add theirs through their manifest.
  */
  jobs: {
    prune_expired_sessions: () => import('#identity/prune_expired_sessions_job'),
    send_mail: () => import('#mail/send_mail_job'),
    expire_lots: () => import('#ledger/expire_lots_job'),
    ledger_rollup_refresh: () => import('#ledger/ledger_rollup_refresh_job'),
    // CSV imports and exports of the staff console (progress on csv_jobs)
    csv_import_preview: () => import('#residents/csv_import_preview_job'),
    csv_import_commit: () => import('#residents/csv_import_commit_job'),
    csv_export: () => import('#usage/csv_export_job'),
    csv_prune: () => import('#csv/csv_prune_job'),
    csv_sweep: () => import('#csv/csv_sweep_job'),
    audit_anchor_export: () => import('#audit/audit_anchor_export_job'),
    // ledger:verify and audit:verify, alerting on a failure (app/alerts)
    chain_verify: () => import('#alerts/chain_verify_job'),
    backup_nightly: () => import('#backup/backup_nightly_job'),
    // The sign-in provider's expired codes, tokens and sessions (app/oidc)
    oidc_prune: () => import('#oidc/oidc_prune_job'),
  },
  /*
  | Recurring jobs per job name: a cron pattern in the server's time zone,
  | or { pattern, tz } for one meant in another zone.
  */
  schedules: {
    prune_expired_sessions: '17 * * * *',
    // Coupon dates are Japanese calendar days: expire and remind at 00:10 JST.
    expire_lots: { pattern: '10 0 * * *', tz: 'Asia/Tokyo' },
    // CSV uploads and exports hold residents' data: kept 7 days (CsvJobs.prune).
    csv_prune: { pattern: '40 3 * * *', tz: 'Asia/Tokyo' },
    // CSV jobs whose worker or dispatch died: failed with a message, not 処理中 forever
    csv_sweep: '* * * * *',
    // The month rollups the ledger marked (screens refresh the rest before reading)
    ledger_rollup_refresh: '* * * * *',
    // The audit chains' heads to the append-only file outside the database
    audit_anchor_export: '23 * * * *',
    // The nightly check of the ledger and the audit chains, before the backup
    chain_verify: { pattern: '0 2 * * *', tz: 'Asia/Tokyo' },
    // Backup, restore drill and retention (BACKUP_KEY, BACKUP_DIR), at night in Japan
    backup_nightly: { pattern: '30 2 * * *', tz: 'Asia/Tokyo' },
    oidc_prune: '47 * * * *',
  },
}

export default queueConfig
