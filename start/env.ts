/*
| Environment variables: validated and cast once at boot. A missing or
| malformed variable stops the process with a message naming it.
*/
import { Env } from '@adonisjs/core/env'
import { Secret } from '@adonisjs/core/helpers'

/**
 * The audit trail's HMAC key: kept outside the database, so that someone
 * who can write the database cannot rewrite the audit chain. Required
 * everywhere (npm start writes one into .env; .env.test has its own).
 */
function auditHmacKey(name: string, value?: string) {
  if (!value || value.length < 32) {
    throw new Error(
      `Missing or too short environment variable "${name}": set it to a random secret of at ` +
        'least 32 characters, kept outside the database (e.g. openssl rand -base64 32). ' +
        '`npm start` writes one into .env.'
    )
  }
  return new Secret(value)
}

export default await Env.create(new URL('../', import.meta.url), {
  NODE_ENV: Env.schema.enum(['development', 'production', 'test'] as const),
  PORT: Env.schema.number(),
  HOST: Env.schema.string({ format: 'host' }),
  APP_KEY: Env.schema.secret(),
  AUDIT_HMAC_KEY: auditHmacKey,
  // Where the audit chain heads are exported (append-only file), default
  // storage/audit_anchors
  AUDIT_ANCHOR_DIR: Env.schema.string.optional(),
  // Also mail each export of the heads to this address (the operator)
  AUDIT_ANCHOR_MAIL_TO: Env.schema.string.optional({ format: 'email' }),
  APP_URL: Env.schema.string({ format: 'url', tld: false }),
  LOG_LEVEL: Env.schema.enum([
    'fatal',
    'error',
    'warn',
    'info',
    'debug',
    'trace',
    'silent',
  ] as const),

  /*
  | Database: an SQLite file by default, PostgreSQL when DB_CONNECTION=postgres
  */
  DB_CONNECTION: Env.schema.enum.optional(['sqlite', 'postgres'] as const),
  SQLITE_FILE: Env.schema.string.optional(),
  // No statement runs longer (ms; 0: no limit). 15 s for the web server and
  // tests, no limit for ace commands (migrations, jobs, verifiers) by default
  DB_STATEMENT_TIMEOUT_MS: Env.schema.number.optional(),
  // Where CSV imports and exports keep their files (a shared volume when
  // workers run on other hosts)
  CSV_JOBS_DIR: Env.schema.string.optional(),
  PG_HOST: Env.schema.string.optional({ format: 'host' }),
  PG_PORT: Env.schema.number.optional(),
  PG_USER: Env.schema.string.optional(),
  PG_PASSWORD: Env.schema.string.optional(),
  PG_DB_NAME: Env.schema.string.optional(),
  PG_SSL: Env.schema.boolean.optional(),

  /*
  | Queue: BullMQ on Redis when REDIS_HOST is set, in-process otherwise
  */
  REDIS_HOST: Env.schema.string.optional({ format: 'host' }),
  REDIS_PORT: Env.schema.number.optional(),
  REDIS_PASSWORD: Env.schema.string.optional(),
  REDIS_DB: Env.schema.number.optional(),
  QUEUE_NAME: Env.schema.string.optional(),
  QUEUE_CONCURRENCY: Env.schema.number.optional(),
  QUEUE_LOCK_MS: Env.schema.number.optional(),

  /*
  | Mail: "outbox" writes messages to tmp/outbox (open them at /dev/outbox);
  | "smtp" sends them.
  */
  MAIL_MAILER: Env.schema.enum.optional(['outbox', 'smtp'] as const),
  MAIL_FROM_ADDRESS: Env.schema.string.optional({ format: 'email' }),
  MAIL_FROM_NAME: Env.schema.string.optional(),
  SMTP_HOST: Env.schema.string.optional({ format: 'host' }),
  SMTP_PORT: Env.schema.number.optional(),
  SMTP_USERNAME: Env.schema.string.optional(),
  SMTP_PASSWORD: Env.schema.string.optional(),
  SMTP_SECURE: Env.schema.boolean.optional(),

  /*
  | Sessions are stored server-side in the database
  */
  SESSION_DRIVER: Env.schema.enum(['database'] as const),
})
