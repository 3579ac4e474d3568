import { spawn } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { mkdir, readFile, rm, stat } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { basename, dirname, extname, isAbsolute, join, relative } from 'node:path'
import app from '@adonisjs/core/services/app'
import emitter from '@adonisjs/core/services/emitter'
import env from '#start/env'
import BackupRefusal from '#backup/backup_refusal'
import BackupRemote from '#backup/backup_remote'
import type { BackupManifest } from '#backup/backup_manifest'
import {
  BACKUP_EXTENSION,
  decryptBackupFile,
  sha256OfFile,
  writeBackupFile,
} from '#backup/backup_file'
import {
  type RestoreTarget,
  configuredKind,
  configuredTarget,
  copyDatabase,
  createScratchPg,
  describeTarget,
  dropScratchPg,
  restoreCopy,
  tablesOf,
} from '#backup/database_copies'
import '#backup/backup_events'

export type VerifierRun = { command: string; ok: boolean; output: string }

export type RestoreReport = {
  manifest: BackupManifest
  /** Tables whose restored row count differs from the manifest's */
  countMismatches: { table: string; expected: number; restored: number }[]
  verifiers: VerifierRun[]
  ok: boolean
}

/** The folder of the backups (BACKUP_DIR, default storage/backups) */
export function backupDir() {
  const dir = env.get('BACKUP_DIR') || 'storage/backups'
  return isAbsolute(dir) ? dir : app.makePath(dir)
}

function backupKey() {
  const key = env.get('BACKUP_KEY')?.release()
  if (!key || key.length < 32) {
    throw new BackupRefusal('no_key', 'no_key')
  }
  return key
}

/** 2026-12-07T21:30:05.123Z → 20261207T213005Z */
function compactUtc(date: Date) {
  return date.toISOString().replace(/[-:]/g, '').replace(/\.\d+/, '')
}

function databaseLabel(target: RestoreTarget) {
  return target.kind === 'postgres'
    ? target.connection.database
    : basename(target.file, extname(target.file))
}

async function appVersion() {
  const pkg = JSON.parse(await readFile(app.makePath('package.json'), 'utf8'))
  return String(pkg.version)
}

/**
 * Backups of the app's database: made online, restored into an empty
 * database, and proven by a restore into a scratch one.
 */
export default class Backups {
  /**
   * Takes a backup now and checks it: the file is read back whole (the GCM
   * tag and the manifest's sha256), or with `drill` restored into a scratch
   * database and verified. A sound backup is then copied to S3 storage when
   * configured. Emits backup:succeeded (with where the copy went) or
   * backup:failed: a failed check or copy is a failed backup, and the local
   * file stays.
   */
  static async create(options: { drill?: boolean } = {}) {
    try {
      const made = await this.#create()
      if (options.drill) {
        const drill = await this.verify(made.file)
        if (!drill.ok) {
          const failed = [
            ...drill.countMismatches.map((mismatch) => `${mismatch.table} row count`),
            ...drill.verifiers.filter((run) => !run.ok).map((run) => run.command),
          ]
          throw new BackupRefusal('drill_failed', 'drill_failed', {
            file: made.file,
            failed: failed.join(', '),
          })
        }
      } else {
        await decryptBackupFile(made.file, backupKey(), null)
      }
      const copy = BackupRemote.configured() ? await BackupRemote.upload(made.file) : null
      await emitter.emit('backup:succeeded', {
        file: made.file,
        finishedAt: new Date().toISOString(),
        bytes: made.bytes,
        copy,
      })
      return { ...made, copy }
    } catch (error) {
      await emitter.emit('backup:failed', { error: (error as Error).message })
      throw error
    }
  }

  static async #create() {
    const key = backupKey()
    const dir = backupDir()
    await mkdir(dir, { recursive: true })
    const createdAt = new Date()
    const target = configuredTarget()
    const file = join(
      dir,
      `tomoni-${databaseLabel(target)}-${compactUtc(createdAt)}${BACKUP_EXTENSION}`
    )
    const payloadPath = join(dir, `.copy-${randomBytes(6).toString('hex')}`)
    try {
      const copy = await copyDatabase(payloadPath)
      const payload = await stat(payloadPath)
      const manifest: BackupManifest = {
        app: 'tomoni',
        appVersion: await appVersion(),
        database: configuredKind(),
        createdAt: createdAt.toISOString(),
        lastMigration: copy.lastMigration,
        rowCounts: copy.rowCounts,
        payloadSha256: await sha256OfFile(payloadPath),
        payloadBytes: payload.size,
      }
      await writeBackupFile(file, payloadPath, manifest, key)
      const written = await stat(file)
      return { file, bytes: written.size, manifest }
    } finally {
      await rm(payloadPath, { force: true })
    }
  }

  /**
   * Restores the backup into the app's database, which must be empty
   * unless `force` (then its tables are replaced), and runs the verifiers.
   */
  static async restore(file: string, options: { force?: boolean } = {}) {
    const target = configuredTarget()
    if (!options.force) {
      const tables = await tablesOf(target)
      if (tables.length > 0) {
        throw new BackupRefusal('target_not_empty', 'target_not_empty', {
          database: databaseLabel(target),
          tables: tables.length,
        })
      }
    }
    return this.#restoreInto(file, async () => target)
  }

  /**
   * The restore drill: restores the backup into a scratch database
   * (SQLite: a temporary file; PostgreSQL: a temporary database), runs the
   * verifiers on it and drops it.
   */
  static async verify(file: string): Promise<RestoreReport> {
    const scratch = `tomoni_drill_${process.pid}_${randomBytes(4).toString('hex')}`
    if (configuredKind() === 'postgres') {
      try {
        return await this.#restoreInto(file, () => createScratchPg(scratch))
      } finally {
        await dropScratchPg(scratch)
      }
    }
    const target: RestoreTarget = { kind: 'sqlite', file: app.tmpPath(`${scratch}.sqlite3`) }
    try {
      return await this.#restoreInto(file, async () => target)
    } finally {
      for (const suffix of ['', '-wal', '-shm'])
        await rm(`${target.file}${suffix}`, { force: true })
    }
  }

  /**
   * Decrypts and checks the whole file first: the target is made (a
   * scratch database) and written only when the backup is sound.
   */
  static async #restoreInto(
    file: string,
    targetOf: () => Promise<RestoreTarget>
  ): Promise<RestoreReport> {
    const key = backupKey()
    const kind = configuredKind()
    // SQLite: next to the database, so that the copy is moved into place
    const configured = configuredTarget()
    const workDir = configured.kind === 'sqlite' ? dirname(configured.file) : tmpdir()
    await mkdir(workDir, { recursive: true })
    const payloadPath = join(workDir, `.restore-${randomBytes(6).toString('hex')}`)
    try {
      const manifest = await decryptBackupFile(file, key, payloadPath)
      if (manifest.database !== kind) {
        throw new BackupRefusal('other_database', 'other_database', {
          path: file,
          backupDatabase: manifest.database,
          database: kind,
        })
      }
      const target = await targetOf()
      await restoreCopy(target, payloadPath)
      const restored = await describeTarget(target)
      const countMismatches = Object.entries(manifest.rowCounts)
        .filter(([table, expected]) => restored.rowCounts[table] !== expected)
        .map(([table, expected]) => ({ table, expected, restored: restored.rowCounts[table] ?? 0 }))
      const verifiers = await Promise.all(
        ['ledger:verify', 'audit:verify'].map((command) => runVerifier(command, target))
      )
      return {
        manifest,
        countMismatches,
        verifiers,
        ok: countMismatches.length === 0 && verifiers.every((run) => run.ok),
      }
    } finally {
      await rm(payloadPath, { force: true })
    }
  }
}

/**
 * Runs an operator's verifier (`node ace ledger:verify`, `audit:verify`) on
 * the restored database, in a process of its own pointed at it: the same
 * check an operator runs, and this process's connections stay untouched.
 */
function runVerifier(command: string, target: RestoreTarget) {
  const database =
    target.kind === 'sqlite'
      ? { DB_CONNECTION: 'sqlite', SQLITE_FILE: relative(app.makePath(), target.file) }
      : { DB_CONNECTION: 'postgres', PG_DB_NAME: target.connection.database }
  return new Promise<VerifierRun>((resolve) => {
    const child = spawn(process.execPath, [app.makePath('ace.js'), command], {
      cwd: app.makePath(),
      env: { ...process.env, ...database, FORCE_COLOR: '0', NO_COLOR: '1' },
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    let output = ''
    child.stdout.on('data', (chunk) => (output += chunk))
    child.stderr.on('data', (chunk) => (output += chunk))
    child.on('error', (error) => resolve({ command, ok: false, output: error.message }))
    child.on('close', (code) => resolve({ command, ok: code === 0, output: output.trim() }))
  })
}
