/** How many of the newest daily, weekly and monthly backups are kept */
export type RetentionRule = { daily: number; weekly: number; monthly: number }

export const RETENTION: RetentionRule = { daily: 14, weekly: 8, monthly: 12 }

export type DatedBackup = { name: string; createdAt: Date }

const day = (date: Date) => date.toISOString().slice(0, 10)
const month = (date: Date) => date.toISOString().slice(0, 7)

/** The ISO week (Monday first) of a UTC date, e.g. 2026-W49 */
function week(date: Date) {
  const thursday = new Date(Date.UTC(date.getUTCFullYear(), date.getUTCMonth(), date.getUTCDate()))
  thursday.setUTCDate(thursday.getUTCDate() + 3 - ((thursday.getUTCDay() + 6) % 7))
  const firstThursday = new Date(Date.UTC(thursday.getUTCFullYear(), 0, 4))
  const number = 1 + Math.round((thursday.getTime() - firstThursday.getTime()) / (7 * 86_400_000))
  return `${thursday.getUTCFullYear()}-W${String(number).padStart(2, '0')}`
}

/**
 * The backups the rule no longer keeps. Walking from the newest, the newest
 * backup of each of the last `daily` days that have one is kept, likewise
 * of the last `weekly` weeks and `monthly` months (UTC); a backup kept
 * by any of the three stays.
 */
export function backupsToRemove(backups: DatedBackup[], rule: RetentionRule = RETENTION) {
  const newestFirst = [...backups].sort((a, b) => b.createdAt.getTime() - a.createdAt.getTime())
  const kept = new Set<string>()
  for (const [period, limit] of [
    [day, rule.daily],
    [week, rule.weekly],
    [month, rule.monthly],
  ] as const) {
    const periods = new Set<string>()
    for (const backup of newestFirst) {
      const key = period(backup.createdAt)
      if (periods.has(key)) continue
      if (periods.size === limit) break
      periods.add(key)
      kept.add(backup.name)
    }
  }
  return newestFirst.filter((backup) => !kept.has(backup.name)).map((backup) => backup.name)
}
