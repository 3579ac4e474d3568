import { test } from '@japa/runner'
import { backupsToRemove, type DatedBackup } from '#backup/backup_retention'

/** One backup a night at 02:30 in Japan (17:30 UTC) from `from` to `to` */
function nightly(from: string, to: string) {
  const backups: DatedBackup[] = []
  for (let day = new Date(`${from}T17:30:00Z`); day <= new Date(`${to}T17:30:00Z`);) {
    backups.push({ name: day.toISOString().slice(0, 10), createdAt: new Date(day) })
    day = new Date(day.getTime() + 86_400_000)
  }
  return backups
}

test.group('Backup retention', () => {
  test('keeps the newest of the last 14 days, 8 weeks and 12 months, removes the rest', ({
    assert,
  }) => {
    const backups = [
      ...nightly('2025-01-01', '2026-12-07'),
      // A second backup on the last day, taken by hand earlier that day
      { name: 'by hand', createdAt: new Date('2026-12-07T09:00:00Z') },
    ]
    const removed = new Set(backupsToRemove(backups))
    const kept = backups.map((backup) => backup.name).filter((name) => !removed.has(name))
    assert.deepEqual(kept.sort(), [
      // monthly: the last of each month
      '2026-01-31',
      '2026-02-28',
      '2026-03-31',
      '2026-04-30',
      '2026-05-31',
      '2026-06-30',
      '2026-07-31',
      '2026-08-31',
      '2026-09-30',
      // weekly: the last of each ISO week (Monday first)
      '2026-10-25',
      '2026-10-31',
      '2026-11-01',
      '2026-11-08',
      '2026-11-15',
      '2026-11-22',
      // daily: the last 14 days
      '2026-11-24',
      '2026-11-25',
      '2026-11-26',
      '2026-11-27',
      '2026-11-28',
      '2026-11-29',
      '2026-11-30',
      '2026-12-01',
      '2026-12-02',
      '2026-12-03',
      '2026-12-04',
      '2026-12-05',
      '2026-12-06',
      '2026-12-07',
    ])
    assert.isTrue(removed.has('by hand'))
  })

  test('a folder with a few backups keeps them all; days without one are not counted', ({
    assert,
  }) => {
    const backups = [
      { name: 'a', createdAt: new Date('2026-01-05T17:30:00Z') },
      { name: 'b', createdAt: new Date('2026-06-05T17:30:00Z') },
      { name: 'c', createdAt: new Date('2026-12-05T17:30:00Z') },
    ]
    assert.deepEqual(backupsToRemove(backups), [])
    assert.deepEqual(backupsToRemove(backups, { daily: 1, weekly: 1, monthly: 2 }), ['a'])
  })
})
