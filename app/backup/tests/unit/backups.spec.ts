import {
  copyFile,
  mkdir,
  mkdtemp,
  open,
  readdir,
  rm,
  stat,
  truncate,
  writeFile,
} from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { test } from '@japa/runner'
import ace from '@adonisjs/core/services/ace'
import app from '@adonisjs/core/services/app'
import emitter from '@adonisjs/core/services/emitter'
import { Secret } from '@adonisjs/core/helpers'
import db from '@adonisjs/lucid/services/db'
import env from '#start/env'
import Backups from '#backup/backups'
import BackupRefusal from '#backup/backup_refusal'
import { openBackupFile } from '#backup/backup_file'
import { pruneBackups } from '#backup/backup_folder'
import { lastSuccessfulBackupAt } from '#backup/backup_status'
import BackupNightlyJob from '#backup/backup_nightly_job'
import LedgerEngine from '#ledger/ledger_engine'
import CouponRedemption from '#ledger/coupon_redemption'
import LedgerRefusal from '#ledger/ledger_refusal'
import { residentWithChildren, staffOf } from '#tests/helpers/programs'
import { forgetResident } from '#tests/helpers/ledger_residents'

/*
| A backup is taken from its own connection: it sees only committed rows,
| so these tests write outside the global transaction and remove what
| they created (audit events stay: the chain keeps them, as it would).
*/

/** What a refused restore drill left behind: scratch files or databases */
async function drillLeftovers() {
  if (db.connection().dialect.name === 'postgres') {
    const { rows } = await db.rawQuery(
      "SELECT datname FROM pg_database WHERE datname LIKE 'tomoni_drill%' ORDER BY datname"
    )
    return rows.map((row: { datname: string }) => row.datname)
  }
  const names = await readdir(app.tmpPath())
  return names.filter((name) => name.startsWith('tomoni_drill'))
}

async function refusalOf(work: () => Promise<unknown>) {
  try {
    await work()
  } catch (error) {
    if (error instanceof BackupRefusal) return error
    throw error
  }
  throw new Error('expected a refusal')
}

test.group('Backups', (group) => {
  let dir: string
  let backup: string
  const key = env.get('BACKUP_KEY')

  group.setup(async () => {
    dir = await mkdtemp(join(tmpdir(), 'tomoni-backups-'))
    env.set('BACKUP_DIR', dir)
    ace.ui.switchMode('raw')
    // The refused files below are made from this one
    const made = await Backups.create()
    backup = made.file
    return async () => {
      ace.ui.switchMode('normal')
      await rm(dir, { recursive: true, force: true })
    }
  })
  group.each.teardown(() => {
    env.set('BACKUP_KEY', key!)
    env.set('BACKUP_DIR', dir)
  })

  test('a backup taken while visits are approved restores into a scratch database where the ledger and the audit chains verify', async ({
    assert,
    cleanup,
  }) => {
    const household = await residentWithChildren([{ birthDate: '2026-03-01' }])
    cleanup(() => forgetResident(household.resident.id))
    const owner = {
      pluginId: 'postpartum_support',
      programCode: 'postpartum',
      municipalityId: household.municipality.id,
      residentId: household.resident.id,
    }
    await LedgerEngine.grant({
      ...owner,
      definitionVersion: '2024-04',
      services: ['home_helper', 'doula'],
      validFrom: '2026-01-01',
      validTo: '2026-12-31',
      minutes: 1200,
    })
    const by = await staffOf(household.municipality)
    const day = (index: number) => new Date(Date.UTC(2026, 2, 1 + index)).toISOString().slice(0, 10)
    const approvals = Array.from({ length: 30 }, async (_, index) => {
      try {
        const { redemptionId } = await CouponRedemption.reserve(
          {
            ...owner,
            service: 'home_helper',
            visitDate: day(index),
            visitStart: '10:00',
            minutes: 60,
            idempotencyKey: `backup-${index}`,
          },
          by
        )
        return await CouponRedemption.approve(owner.municipalityId, redemptionId, by)
      } catch (error) {
        if (error instanceof LedgerRefusal) return false
        throw error
      }
    })
    const succeeded: unknown[] = []
    // Only this listener goes afterwards: the alerts listen to the same event
    const stopListening = emitter.on('backup:succeeded', (event) => succeeded.push(event))
    cleanup(stopListening)

    const [made, outcomes] = await Promise.all([Backups.create(), Promise.all(approvals)])

    assert.equal(outcomes.filter(Boolean).length, 20)
    assert.match(made.file, /tomoni-.+-\d{8}T\d{6}Z\.tomoni-backup$/)
    const written = await stat(made.file)
    assert.equal(made.bytes, written.size)
    assert.deepEqual(succeeded, [
      {
        file: made.file,
        bytes: made.bytes,
        finishedAt: (succeeded[0] as any).finishedAt,
        copy: null,
      },
    ])
    const { manifest } = await openBackupFile(made.file)
    assert.equal(
      manifest.database,
      db.connection().dialect.name === 'postgres' ? 'postgres' : 'sqlite'
    )
    assert.match(manifest.lastMigration!, /database\/migrations\/\d{4}_/)
    assert.properties(manifest.rowCounts, ['ledger_entries', 'ledger_redemptions', 'audit_events'])
    assert.isAtMost(manifest.rowCounts.ledger_redemptions, await countOf('ledger_redemptions'))

    const drill = await Backups.verify(made.file)
    assert.deepEqual(drill.countMismatches, [])
    assert.deepEqual(
      drill.verifiers.map((run) => [run.command, run.ok]),
      [
        ['ledger:verify', true],
        ['audit:verify', true],
      ]
    )
    assert.isTrue(drill.ok)
    assert.deepEqual(await drillLeftovers(), [])
  }).timeout(90_000)

  test('a backup with one byte changed is refused, nothing restored', async ({ assert }) => {
    const tampered = join(dir, 'tampered.tomoni-backup')
    await copyFile(backup, tampered)
    const file = await open(tampered, 'r+')
    const { size } = await file.stat()
    const byte = Buffer.alloc(1)
    await file.read(byte, 0, 1, size - 100)
    await file.write(Buffer.from([byte[0] ^ 1]), 0, 1, size - 100)
    await file.close()

    const refusal = await refusalOf(() => Backups.verify(tampered))
    assert.equal(refusal.code, 'damaged')
    assert.include(refusal.message, 'is damaged (truncated or altered after it was written)')
    assert.deepEqual(await drillLeftovers(), [])

    const command = await ace.exec('backup:verify', [tampered, '--locale=en'])
    assert.equal(command.exitCode, 1)
    assert.deepEqual(
      command.logger
        .getLogs()
        .slice(-1)
        .map((log) => log.message),
      [
        `[ red(error) ] ${tampered} is damaged (truncated or altered after it was written): it is not restored`,
      ]
    )
    // In Japanese by default, the operator's language
    const inJapanese = await ace.exec('backup:verify', [tampered])
    assert.equal(inJapanese.exitCode, 1)
    assert.equal(
      inJapanese.logger.getLogs().at(-1)!.message,
      `[ red(error) ] ${tampered} は壊れています（書き込み後に切り詰められたか改変されています）。復元しません`
    )
  })

  test('a truncated backup is refused', async ({ assert }) => {
    const truncated = join(dir, 'truncated.tomoni-backup')
    await copyFile(backup, truncated)
    const whole = await stat(backup)
    await truncate(truncated, whole.size - 1000)
    const cutShort = await refusalOf(() => Backups.verify(truncated))
    assert.equal(cutShort.code, 'damaged')
    await truncate(truncated, 200)
    const headerOnly = await refusalOf(() => Backups.verify(truncated))
    assert.equal(headerOnly.code, 'damaged')
    assert.include(headerOnly.message, 'is truncated')
    assert.deepEqual(await drillLeftovers(), [])
  })

  test('a backup read with another key is refused, naming the key', async ({ assert }) => {
    env.set('BACKUP_KEY', new Secret('another-key-another-key-another-key-0000'))
    const refusal = await refusalOf(() => Backups.verify(backup))
    assert.equal(refusal.code, 'wrong_key')
    assert.include(refusal.message, 'was made with another BACKUP_KEY')
  })

  test('a file that is not a backup, or no key at all, is refused', async ({ assert }) => {
    const refusal = await refusalOf(() => Backups.verify(app.makePath('package.json')))
    assert.equal(refusal.code, 'not_a_backup')
    assert.include(refusal.message, 'is not a Tomoni backup file')
    env.set('BACKUP_KEY', new Secret(''))
    const command = await ace.exec('backup:create', ['--locale', 'en'])
    assert.equal(command.exitCode, 1)
    assert.match(command.logger.getLogs().at(-1)!.message, /BACKUP_KEY is not set/)
    const unknown = await ace.exec('backup:create', ['--locale', 'fr'])
    assert.equal(unknown.exitCode, 1)
    assert.match(unknown.logger.getLogs().at(-1)!.message, /"fr" is not supported \(ja or en\)/)
  })

  test('a restore into a database that is not empty is refused without --force', async ({
    assert,
  }) => {
    const residents = await countOf('residents')
    const refusal = await refusalOf(() => Backups.restore(backup))
    assert.equal(refusal.code, 'target_not_empty')
    assert.match(
      refusal.message,
      /is not empty \(\d+ tables\): restore into an empty database, or pass --force/
    )
    assert.equal(await countOf('residents'), residents)
    const command = await ace.exec('backup:restore', [backup])
    assert.equal(command.exitCode, 1)
  })

  test('the nightly backup without BACKUP_KEY fails and says so on the emitter', async ({
    assert,
    cleanup,
  }) => {
    env.set('BACKUP_KEY', new Secret(''))
    const failed: { error: string }[] = []
    const stopListening = emitter.on('backup:failed', (event) => failed.push(event))
    cleanup(stopListening)
    await assert.rejects(() => new BackupNightlyJob().handle(), /BACKUP_KEY is not set/)
    assert.lengthOf(failed, 1)
    assert.match(failed[0].error, /^BACKUP_KEY is not set/)
  })

  test('old backups are pruned by the rule; the last successful backup is the newest whole one', async ({
    assert,
  }) => {
    const folder = join(dir, 'pruned')
    await mkdir(folder)
    env.set('BACKUP_DIR', folder)
    assert.isNull(await lastSuccessfulBackupAt())

    // A year of nightly files, the newest of them damaged, and a file of the operator's
    const names: string[] = []
    for (let night = 0; night < 400; night++) {
      const at = new Date(Date.UTC(2025, 10, 1 + night, 17, 30))
      names.push(`tomoni-x-${at.toISOString().replace(/[-:]/g, '').slice(0, 15)}Z.tomoni-backup`)
    }
    for (const name of names.slice(0, -2)) await writeFile(join(folder, name), 'not a backup')
    await copyFile(backup, join(folder, names.at(-2)!))
    await writeFile(join(folder, names.at(-1)!), 'damaged')
    await writeFile(join(folder, 'notes.txt'), 'kept')

    const { manifest } = await openBackupFile(backup)
    const last = await lastSuccessfulBackupAt()
    assert.equal(last?.toISOString(), manifest.createdAt)
    const removed = await pruneBackups(folder)
    const left = await readdir(folder)
    assert.lengthOf(removed, 400 - 29)
    assert.lengthOf(left, 29 + 1)
    assert.includeMembers(left, ['notes.txt', names.at(-1)!, names.at(-2)!])
  })
})

async function countOf(table: string) {
  const [row] = await db.from(table).count('* as count')
  return Number(row.count)
}
