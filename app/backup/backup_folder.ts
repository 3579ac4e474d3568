import { readdir, rm } from 'node:fs/promises'
import { join } from 'node:path'
import { openBackupFile } from '#backup/backup_file'
import { backupsToRemove, type DatedBackup } from '#backup/backup_retention'

/** tomoni-<database>-20261207T213005Z.tomoni-backup */
const NAME = /^tomoni-(.+)-(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z\.tomoni-backup$/

/** The backups among these file names (as backup:create names them), by database */
export function datedBackups(names: string[]) {
  const byDatabase = new Map<string, DatedBackup[]>()
  for (const name of names) {
    const match = NAME.exec(name)
    if (!match) continue
    const [, database, year, monthOfYear, dayOfMonth, hour, minute, second] = match
    const createdAt = new Date(`${year}-${monthOfYear}-${dayOfMonth}T${hour}:${minute}:${second}Z`)
    byDatabase.set(database, [...(byDatabase.get(database) ?? []), { name, createdAt }])
  }
  return byDatabase
}

/** The backups in the folder, by database */
export async function backupsIn(dir: string) {
  return datedBackups(await readdir(dir).catch(() => [] as string[]))
}

/** Removes the backups of each database that the retention rule no longer keeps */
export async function pruneBackups(dir: string) {
  const removed: string[] = []
  const byDatabase = await backupsIn(dir)
  for (const backups of byDatabase.values()) {
    for (const name of backupsToRemove(backups)) {
      await rm(join(dir, name), { force: true })
      removed.push(name)
    }
  }
  return removed
}

/**
 * When the newest backup of the folder was made, read from its
 * manifest (a file with the backup extension is whole: it is renamed so
 * once written); null when there is none.
 */
export async function newestBackupAt(dir: string): Promise<Date | null> {
  const byDatabase = await backupsIn(dir)
  const all = [...byDatabase.values()].flat()
  all.sort((a, b) => b.createdAt.getTime() - a.createdAt.getTime())
  for (const backup of all) {
    try {
      const { manifest } = await openBackupFile(join(dir, backup.name))
      return new Date(manifest.createdAt)
    } catch {
      // a damaged file is no backup: the one before it counts
    }
  }
  return null
}
