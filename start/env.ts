/*
| Environment variables: validated and cast once at boot. A missing or
| malformed variable stops the process with a message naming it.
*/
import { Env } from '@adonisjs/core/env'
import { Secret } from '@adonisjs/core/helpers'
import app from '@adonisjs/core/services/app'
import proxyAddr from 'proxy-addr'

/**
 * What only a process that serves HTTP or sends links needs (PORT, HOST,
 * APP_URL): required for the web server, the tests and the REPL; in ace
 * commands only where used. An operator runs `migration:run`,
 * `ledger:verify` or `audit:verify` with the database settings and the
 * keys alone.
 */
const inConsole = app.getEnvironment() === 'console'

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

/**
 * The proxies allowed to say who the client is (X-Forwarded-For): a comma
 * list of addresses, CIDR ranges and proxy-addr's names (loopback,
 * linklocal, uniquelocal). Default loopback: a reverse proxy on this host.
 */
export function trustedProxies(name: string, value?: string) {
  const list = (value || 'loopback')
    .split(',')
    .map((entry) => entry.trim())
    .filter(Boolean)
  try {
    proxyAddr.compile(list)
  } catch (error) {
    throw new Error(
      `Invalid environment variable "${name}": ${(error as Error).message} ` +
        '(a comma list of addresses or CIDR ranges, e.g. 10.0.0.0/8,loopback)'
    )
  }
  return list
}

const LOG_LEVEL = Env.schema.enum([
  'fatal',
  'error',
  'warn',
  'info',
  'debug',
  'trace',
  'silent',
] as const)
const SESSION_DRIVER = Env.schema.enum(['database'] as const)

/** A variable an ace command may leave out: validated as ever, with this value when absent */
function defaultFor<Value>(
  validate: (name: string, value?: string) => Value,
  fallback: string
): (name: string, value?: string) => Value {
  return (name, value) => validate(name, value || fallback)
}

const env = await Env.create(new URL('../', import.meta.url), {
  NODE_ENV: Env.schema.enum(['development', 'production', 'test'] as const),
  PORT: inConsole ? Env.schema.number.optional() : Env.schema.number(),
  HOST: inConsole
    ? Env.schema.string.optional({ format: 'host' })
    : Env.schema.string({ format: 'host' }),
  APP_KEY: Env.schema.secret(),
  // The bearer token Prometheus sends to /metrics; without it, no /metrics (404)
  METRICS_TOKEN: Env.schema.string.optional(),
  // Load balancers/reverse proxies whose X-Forwarded-For is believed
  TRUSTED_PROXIES: trustedProxies,
  AUDIT_HMAC_KEY: auditHmacKey,
  // Where the audit chain heads are exported (append-only file), default
  // storage/audit_anchors
  AUDIT_ANCHOR_DIR: Env.schema.string.optional(),
  // Also mail each export of the heads to this address (the operator)
  AUDIT_ANCHOR_MAIL_TO: Env.schema.string.optional({ format: 'email' }),
  // More 5xx answers than this in one minute (per web process) alert the operators
  ALERT_5XX_PER_MINUTE: Env.schema.number.optional(),
  // The links in mails; among the ace commands, those that send mail need it
  APP_URL: inConsole
    ? Env.schema.string.optional({ format: 'url', tld: false })
    : Env.schema.string({ format: 'url', tld: false }),
  // info when an ace command is run without it
  LOG_LEVEL: inConsole ? defaultFor(LOG_LEVEL, 'info') : LOG_LEVEL,
  // pino-pretty instead of JSON lines (default: in development at a terminal)
  LOG_PRETTY: Env.schema.boolean.optional(),
  // Write the log lines to this file instead of stdout
  LOG_FILE: Env.schema.string.optional(),

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
  // Backups (node ace backup:create, nightly): encrypted with BACKUP_KEY (kept
  // apart from APP_KEY and from the backups), written to BACKUP_DIR (default
  // storage/backups)
  BACKUP_KEY: Env.schema.secret.optional(),
  BACKUP_DIR: Env.schema.string.optional(),
  // A copy of each backup in S3-compatible storage (config/drive.ts), only
  // when BACKUP_S3_BUCKET is set. ENDPOINT for services other than AWS,
  // PATH_STYLE for those that want http://host/bucket/key (MinIO and the like)
  BACKUP_S3_BUCKET: Env.schema.string.optional(),
  BACKUP_S3_ENDPOINT: Env.schema.string.optional({ format: 'url', tld: false }),
  BACKUP_S3_REGION: Env.schema.string.optional(),
  BACKUP_S3_ACCESS_KEY_ID: Env.schema.string.optional(),
  BACKUP_S3_SECRET_ACCESS_KEY: Env.schema.secret.optional(),
  BACKUP_S3_PREFIX: Env.schema.string.optional(),
  BACKUP_S3_PATH_STYLE: Env.schema.boolean.optional(),
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
  SESSION_DRIVER: inConsole ? defaultFor(SESSION_DRIVER, 'database') : SESSION_DRIVER,
})

/**
 * The ace commands whose work writes links into mails (the worker runs the
 * jobs that mail residents and staff): they stop at once without APP_URL,
 * instead of mailing links to nowhere.
 */
const COMMANDS_THAT_SEND_LINKS = new Set(['queue:work'])

// A script that boots the app in the console environment without ace (bench/boot.ts) has no kernel to watch
if (inConsole && app.container.hasBinding('ace')) {
  const ace = await app.container.make('ace')
  ace.executing((command) => {
    const name = (command.constructor as { commandName?: string }).commandName ?? ''
    if (COMMANDS_THAT_SEND_LINKS.has(name) && !env.get('APP_URL')) {
      // queue:work stays alive: ace would not set the exit code itself
      process.exitCode = 1
      throw new Error(
        `Missing environment variable "APP_URL": "${name}" writes links into mails ` +
          '(e.g. APP_URL=https://tomoni.example.jp).'
      )
    }
  })
}

export default env
