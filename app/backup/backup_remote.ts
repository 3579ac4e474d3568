import { createReadStream, createWriteStream } from 'node:fs'
import { mkdtemp, rm, stat } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { basename, join } from 'node:path'
import { pipeline } from 'node:stream/promises'
import drive from '@adonisjs/drive/services/main'
import env from '#start/env'
import BackupRefusal from '#backup/backup_refusal'
import { backupsToRemove } from '#backup/backup_retention'
import { datedBackups } from '#backup/backup_folder'

/** Where a backup's copy went: s3://bucket/prefix/name */
export type BackupCopy = { disk: 's3'; bucket: string; key: string; location: string }

/** How the operator names a backup of the S3 storage: s3:<file name> */
export const S3_REFERENCE = /^s3:(.*)$/

function bucket() {
  return env.get('BACKUP_S3_BUCKET') || null
}

/** BACKUP_S3_PREFIX without its slashes: tomoni/backups */
function prefix() {
  return (env.get('BACKUP_S3_PREFIX') ?? '').replace(/^\/+|\/+$/g, '')
}

function keyOf(name: string) {
  return prefix() ? `${prefix()}/${name}` : name
}

function locationOf(name: string) {
  return `s3://${bucket()}/${keyOf(name)}`
}

/** The cause of an SDK error in a line (connect ECONNREFUSED, AccessDenied…) */
function causeOf(error: unknown) {
  const { message, cause } = error as Error & { cause?: Error }
  return cause?.message && cause.message !== message ? `${message} (${cause.message})` : message
}

/**
 * The copies of the backups in S3-compatible storage (config/drive.ts, disk
 * `s3`), kept when BACKUP_S3_BUCKET is set: same names as in BACKUP_DIR,
 * under BACKUP_S3_PREFIX.
 */
export default class BackupRemote {
  static configured() {
    return bucket() !== null
  }

  /**
   * Streams the backup file to the bucket (never held in memory); refuses
   * with `upload_failed` naming the file, which stays where it is.
   */
  static async upload(file: string): Promise<BackupCopy> {
    const name = basename(file)
    const copy: BackupCopy = {
      disk: 's3',
      bucket: bucket()!,
      key: keyOf(name),
      location: locationOf(name),
    }
    try {
      const { size } = await stat(file)
      await drive.use('s3').putStream(copy.key, createReadStream(file), {
        contentLength: size,
        contentType: 'application/octet-stream',
      })
    } catch (error) {
      throw new BackupRefusal('upload_failed', 'upload_failed', {
        file,
        location: copy.location,
        error: causeOf(error),
      })
    }
    return copy
  }

  /** The backups of the bucket (names as in the folder), by database */
  static async list() {
    const disk = drive.use('s3')
    const names: string[] = []
    let paginationToken: string | undefined
    do {
      const page = await disk.listAll(prefix(), { paginationToken })
      for (const object of page.objects) {
        if (object.isFile) names.push(basename(object.key))
      }
      paginationToken = page.paginationToken
    } while (paginationToken)
    return datedBackups(names)
  }

  /** Removes the copies the retention rule no longer keeps (as in the folder) */
  static async prune() {
    const removed: string[] = []
    const disk = drive.use('s3')
    const byDatabase = await this.list()
    for (const backups of byDatabase.values()) {
      for (const name of backupsToRemove(backups)) {
        await disk.delete(keyOf(name))
        removed.push(name)
      }
    }
    return removed
  }

  /**
   * Runs `work` on the backup file `reference` names: a path as it is, or
   * `s3:<name>` downloaded (streamed) to a temporary file first, removed after.
   */
  static async withFile<T>(reference: string, work: (file: string) => Promise<T>) {
    const match = S3_REFERENCE.exec(reference)
    if (!match) return work(reference)
    const name = match[1]
    if (!this.configured()) {
      throw new BackupRefusal('not_in_s3', 's3_not_configured', { name: reference })
    }
    if (!name || name !== basename(name) || name.startsWith('.')) {
      throw new BackupRefusal('not_in_s3', 's3_bad_name', { name: reference })
    }
    const location = locationOf(name)
    const dir = await mkdtemp(join(tmpdir(), 'tomoni-s3-backup-'))
    try {
      const file = join(dir, name)
      const remote = drive.use('s3').file(keyOf(name))
      let exists: boolean
      try {
        exists = await remote.exists()
        if (exists) await pipeline(await remote.getStream(), createWriteStream(file))
      } catch (error) {
        throw new BackupRefusal('not_in_s3', 's3_download_failed', {
          location,
          error: causeOf(error),
        })
      }
      if (!exists) throw new BackupRefusal('not_in_s3', 's3_missing', { location })
      try {
        return await work(file)
      } catch (error) {
        // Named as the operator named it, not by the temporary file
        if (error instanceof BackupRefusal && error.params.path === file) {
          throw new BackupRefusal(error.code, error.reason, { ...error.params, path: reference })
        }
        throw error
      }
    } finally {
      await rm(dir, { recursive: true, force: true })
    }
  }
}
