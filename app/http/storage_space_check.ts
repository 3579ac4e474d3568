import { statfs } from 'node:fs/promises'
import { dirname } from 'node:path'
import { BaseCheck, Result } from '@adonisjs/core/health'
import type { HealthCheckResult } from '@adonisjs/core/types/health'

export type SpaceOnDisk = { freeBytes: number; sizeBytes: number }

/**
 * The free space of the file system holding `path` (or its nearest
 * existing parent: the folder may not be created yet).
 */
export async function spaceOnDisk(path: string): Promise<SpaceOnDisk> {
  for (let current = path; ; current = dirname(current)) {
    try {
      const stats = await statfs(current)
      return { freeBytes: stats.bavail * stats.bsize, sizeBytes: stats.blocks * stats.bsize }
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT' || dirname(current) === current) {
        throw error
      }
    }
  }
}

/**
 * The storage folder (SQLite file, CSV files, audit anchors, backups) has
 * room: a warning below `warnBelowBytes` free, an error below
 * `failBelowBytes`, where writes are about to fail.
 */
export class StorageSpaceCheck extends BaseCheck {
  name = 'Storage space check'

  constructor(
    private measure: () => Promise<SpaceOnDisk>,
    private warnBelowBytes: number,
    private failBelowBytes: number
  ) {
    super()
  }

  async run(): Promise<HealthCheckResult> {
    const { freeBytes, sizeBytes } = await this.measure()
    const meta = {
      freeBytes,
      sizeBytes,
      warnBelowBytes: this.warnBelowBytes,
      failBelowBytes: this.failBelowBytes,
    }
    const free = `${Math.floor(freeBytes / 1024 ** 2)} MB free`
    if (freeBytes < this.failBelowBytes) return Result.failed(free).mergeMetaData(meta)
    if (freeBytes < this.warnBelowBytes) return Result.warning(free).mergeMetaData(meta)
    return Result.ok(free).mergeMetaData(meta)
  }
}
